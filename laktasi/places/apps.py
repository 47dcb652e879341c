from django.apps import AppConfig


class PlacesConfig(AppConfig):
    name = "laktasi.places"
    label = "places"

from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "laktasi.home"
    label = "home"

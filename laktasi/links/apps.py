from django.apps import AppConfig


class LinksConfig(AppConfig):
    name = "laktasi.links"
    label = "links"

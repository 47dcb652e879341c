from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "laktasi.imports"
    label = "imports"

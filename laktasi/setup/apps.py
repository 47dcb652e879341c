from django.apps import AppConfig


class SetupConfig(AppConfig):
    name = "laktasi.setup"
    label = "setup"

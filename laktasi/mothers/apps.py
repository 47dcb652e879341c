from django.apps import AppConfig


class MothersConfig(AppConfig):
    name = "laktasi.mothers"
    label = "mothers"

from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "laktasi.api"
    label = "api"

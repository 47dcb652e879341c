from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "laktasi.demo"
    label = "demo"

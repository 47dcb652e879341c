from django.apps import AppConfig


class SatusehatConfig(AppConfig):
    name = "laktasi.satusehat"
    label = "satusehat"
    verbose_name = "SATUSEHAT"

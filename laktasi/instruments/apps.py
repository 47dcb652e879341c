from django.apps import AppConfig


class InstrumentsConfig(AppConfig):
    name = "laktasi.instruments"
    label = "instruments"

from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "laktasi.reports"
    label = "reports"

from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "laktasi.dashboards"
    label = "dashboards"

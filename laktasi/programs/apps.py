from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "laktasi.programs"
    label = "programs"

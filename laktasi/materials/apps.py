from django.apps import AppConfig


class MaterialsConfig(AppConfig):
    name = "laktasi.materials"
    label = "materials"

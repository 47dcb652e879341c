from django.apps import AppConfig


class MaterialsConfig(AppConfig):
    name = "laktasi.materials"
    label = "materials"

    def ready(self) -> None:
        # This app's renderers of generated files (jobs.files registry); the worker process
        # loads no URLs and no views, so they are registered here.
        from laktasi.materials import generated  # noqa: F401

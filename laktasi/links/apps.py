from django.apps import AppConfig


class LinksConfig(AppConfig):
    name = "laktasi.links"
    label = "links"

    def ready(self) -> None:
        # This app's renderers of generated files (jobs.files registry); the worker process
        # loads no URLs and no views, so they are registered here.
        from laktasi.links import generated  # noqa: F401

from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "laktasi.reports"
    label = "reports"

    def ready(self) -> None:
        # This app's renderers of generated files (jobs.files registry); the worker process
        # loads no URLs and no views, so they are registered here.
        from laktasi.reports import generated  # noqa: F401

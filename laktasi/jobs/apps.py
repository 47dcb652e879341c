from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "laktasi.jobs"
    label = "jobs"

    def ready(self) -> None:
        # Job durations and failures for the metrics (only when metrics are on).
        from laktasi.jobs import metrics

        metrics.connect()
        # Generated files: the task's lost-worker handler, and each app's renderers (needed
        # in the worker process too, which loads no URLs and no views).
        from laktasi.jobs import files  # noqa: F401
        from laktasi.links import generated as links_generated  # noqa: F401
        from laktasi.materials import generated as materials_generated  # noqa: F401
        from laktasi.reports import generated as reports_generated  # noqa: F401

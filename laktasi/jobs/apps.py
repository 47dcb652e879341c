from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "laktasi.jobs"
    label = "jobs"

    def ready(self) -> None:
        # Job durations and failures for the metrics (only when metrics are on).
        from laktasi.jobs import metrics

        metrics.connect()
        # Generated files: the task's lost-worker handler. Each app registers its own
        # renderers in its AppConfig.ready().
        from laktasi.jobs import files  # noqa: F401

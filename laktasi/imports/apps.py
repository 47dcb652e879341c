from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "laktasi.imports"
    label = "imports"

    def ready(self) -> None:
        # Connects the handler that gives an import back to its user when the reaper finds
        # its worker dead (laktasi.jobs.queue.task_lost), in the web and worker processes.
        from laktasi.imports import background  # noqa: F401
        from laktasi.imports.pull import background as pull_background  # noqa: F401

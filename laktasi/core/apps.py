from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "laktasi.core"
    label = "core"

    def ready(self) -> None:
        from laktasi import checks  # noqa: F401  (registers the system checks)

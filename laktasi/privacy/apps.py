from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class PrivacyConfig(AppConfig):
    name = "laktasi.privacy"
    label = "privacy"
    verbose_name = "privacy"

    def ready(self) -> None:
        # Each app declares its personal fields in <app>/personal_data.py (see registry.py).
        autodiscover_modules("personal_data")

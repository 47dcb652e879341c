"""Configuration problems reported as Django system checks (laktasi.E0xx / W0xx)."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Warning, register


@register()
def check_wilayah_file(app_configs, **kwargs):  # noqa: ARG001
    """The region list ships with the package; without it no village can be registered."""
    if not settings.WILAYAH_CSV.exists():
        return [
            Error(
                f"Region file {settings.WILAYAH_CSV} is missing.",
                hint="Reinstall laktasi; the file ships in laktasi/places/data/.",
                id="laktasi.E001",
            )
        ]
    return []


@register(deploy=True)
def check_production_database(app_configs, **kwargs):  # noqa: ARG001
    """Many users on one SQLite file work, but PostgreSQL is recommended for districts."""
    if settings.PRODUCTION and "sqlite" in settings.DATABASES["default"]["ENGINE"]:
        return [
            Warning(
                "Production mode is using SQLite.",
                hint="Set DATABASE_URL=postgres://... for a multi-user deployment.",
                id="laktasi.W001",
            )
        ]
    return []

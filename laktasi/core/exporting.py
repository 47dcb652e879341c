"""One exporter interface for every file laktasi hands out: ``export(kind, subject, fmt=...)``.

An exporter is a function ``(subject, *, lang, **options) -> (file name, content type, bytes)``
registered for a kind of download and a format by the app that owns the subject: reports (a
program's report, the evaluation across programs), dashboards (an indicator table), imports (a
template, an import's rejected rows), privacy (a mother's own copy), instruments (XLSForm,
paper form), materials (leaflet, facilitator's guide, content sign-off), links (a session's
answer links, its QR cards) and the API (a FHIR Bundle). The registry lives in core, below
every app, so sibling apps and lower ones share it without importing each other. Each app
registers when its exporter module is imported, and its callers import that module. The
caller checks who may download and scopes the subject first: an exporter only renders.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.utils import translation

Rendered = tuple[str, str, bytes]  # (file name, content type, bytes)
Exporter = Callable[..., Rendered]

_REGISTRY: dict[str, dict[str, Exporter]] = {}


def exporter_register(kind: str, fmt: str) -> Callable[[Exporter], Exporter]:
    """Decorator: ``func`` renders ``kind`` downloads as ``fmt``. One exporter per pair."""

    def register(func: Exporter) -> Exporter:
        formats = _REGISTRY.setdefault(kind, {})
        if formats.get(fmt, func) is not func:
            raise ImproperlyConfigured(f"two exporters for {kind} as {fmt}")
        formats[fmt] = func
        return func

    return register


def exporter_kinds() -> tuple[str, ...]:
    """The kinds of download registered so far."""
    return tuple(_REGISTRY)


def exporter_formats(kind: str) -> tuple[str, ...]:
    """The formats ``kind`` can be rendered in, in registration order."""
    return tuple(_REGISTRY.get(kind, ()))


def export(
    kind: str, subject: Any, *, fmt: str, lang: str | None = None, **options: Any
) -> Rendered:
    """Render ``subject`` as a ``kind`` download in ``fmt``.

    With ``lang`` the exporter runs inside that language; without it, in the current one.
    """
    formats = _REGISTRY.get(kind)
    if formats is None:
        raise ValueError(f"unknown kind of download {kind!r}")
    if fmt not in formats:
        raise ValueError(f"unknown {kind} format {fmt!r}; choose one of {', '.join(formats)}")
    if lang is None:
        return formats[fmt](subject, lang=None, **options)
    with translation.override(lang):
        return formats[fmt](subject, lang=lang, **options)

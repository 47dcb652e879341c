"""Feeds the mother's timeline with responses, and the mother list with result categories."""

from __future__ import annotations

from django.urls import reverse
from django.utils.formats import number_format

from laktasi.accounts.models import User
from laktasi.instruments import registry
from laktasi.instruments.forms import language
from laktasi.instruments.selectors import response_list
from laktasi.mothers.models import Mother
from laktasi.mothers.timeline import Event

GOOD = {"baik", "kompeten", "lancar", "exclusive"}
FAIR = {"cukup", "predominant", "partial"}


def badge_level(category: str) -> str:
    if not category:
        return ""
    if category in GOOD:
        return "good"
    return "fair" if category in FAIR else "poor"


def category_labels(lang: str) -> dict[str, str]:
    """Every result category of the shipped instruments: code → label in ``lang``."""
    labels: dict[str, str] = {}
    for versions in registry.load_all().values():  # cached by the registry
        for definition in versions.values():
            rules = registry.effective_rules(definition, None)
            for band in rules.get("bands") or ():
                labels.setdefault(band.code, band.label.get(lang))
            for code, text in (rules.get("categories") or {}).items():
                labels.setdefault(code, text.get(lang))
    return labels


def result_categories() -> list[tuple[str, str]]:
    return list(category_labels(language()).items())


def response_events(*, mother: Mother, user: User) -> list[Event]:
    lang = language()
    labels = category_labels(lang)
    definitions = registry.load_all()
    events = []
    for r in response_list(user=user, mother=mother).order_by("-collected_at"):
        definition = definitions.get(r.instrument_id, {}).get(r.instrument_version)
        title = definition.title(lang) if definition else r.instrument_id
        timepoint = r.get_timepoint_display()
        if r.followup_number:
            timepoint += f" {r.followup_number}"
        detail = timepoint
        if r.score_pct is not None:
            detail += f" · {number_format(r.score_pct, 1)} %"
        events.append(
            Event(
                kind="response",
                when=r.collected_at,
                title=title,
                detail=detail,
                url=reverse("instruments:response", args=[r.pk]),
                badge=labels.get(r.category, r.category),
                badge_level=badge_level(r.category),
                extra={
                    "instrument_id": r.instrument_id,
                    "timepoint": r.timepoint,
                    "followup_number": r.followup_number,
                    "timepoint_label": timepoint,
                    "score": number_format(r.score_pct, 1) if r.score_pct is not None else "",
                },
            )
        )
    return events

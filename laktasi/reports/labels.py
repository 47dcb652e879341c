"""Category labels and groupings used by reports (choice labels come from the models)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from laktasi.mothers.models import DeliveryMode, Education, Occupation, Relationship
from laktasi.programs.models import AgendaKind, ProgramKind

CHOICES = {
    "education": Education,
    "occupation": Occupation,
    "delivery_mode": DeliveryMode,
    "relationship": Relationship,
    "agenda_kind": AgendaKind,
    "program_kind": ProgramKind,
}

# Descriptive age bands (maternal age < 20 and > 35 are the usual reporting cut-offs).
AGE_GROUPS = (("lt20", _("under 20")), ("20_35", _("20–35")), ("gt35", _("over 35")))
BABY_AGE_GROUPS = (
    ("d0_7", _("0–7 days")),
    ("d8_28", _("8–28 days")),
    ("m1_3", _("29 days to < 3 months")),  # < 91 days; groups never overlap (review L19)
    ("m3_6", _("3 to < 6 months")),
    ("m6", _("6 months or more")),
)


def age_group(years: int | None) -> str:
    if years is None:
        return ""
    if years < 20:
        return "lt20"
    return "20_35" if years <= 35 else "gt35"


def baby_age_group(days: int | None) -> str:
    if days is None:
        return ""
    if days <= 7:
        return "d0_7"
    if days <= 28:
        return "d8_28"
    if days < 91:
        return "m1_3"
    return "m3_6" if days < 183 else "m6"


def choice_labels(name: str) -> list[tuple[str, str]]:
    """(code, label) of a model choice list, in the current language."""
    return [(value, str(label)) for value, label in CHOICES[name].choices]


def choice_label(name: str, code: str) -> str:
    return dict(choice_labels(name)).get(code, code)

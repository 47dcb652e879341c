"""Readable names of the theme tags that instrument definitions put on questions and options
(the interview's themes, the support scale's subscales). The tags stay codes in the data and the
API; pages and reports show these names, translated (Indonesian in laktasi/locale/id).

tests/instruments/test_themes.py fails when a definition uses a tag that has no name here.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

THEME_LABELS = {
    "appraisal": _("appraisal support"),
    "belief_supportive": _("belief that supports breastfeeding"),
    "beliefs": _("beliefs"),
    "code_violation": _("formula marketing breaking the rules"),
    "colostrum": _("colostrum"),
    "colostrum_discarded": _("colostrum discarded"),
    "community_influence": _("community influence"),
    "decision": _("decision"),
    "decision_mother": _("mother decides"),
    "decision_shared": _("decided together"),
    "early_food": _("early food"),
    "economic": _("economic"),
    "economic_burden": _("economic burden"),
    "emotional": _("emotional support"),
    "family_influence": _("family influence"),
    "food_taboo": _("food taboo"),
    "formula": _("formula"),
    "formula_any": _("any formula"),
    "formula_daily": _("formula every day"),
    "health_worker_influence": _("health worker influence"),
    "herbal": _("herbal drink"),
    "home_support": _("support at home"),
    "informational": _("informational support"),
    "instrumental": _("practical support"),
    "medical_indication": _("medical indication"),
    "myth_colostrum": _("myth about colostrum"),
    "no_home_support": _("no support at home"),
    "no_workplace_support": _("no support at work"),
    "oxytocin_massage_family": _("oxytocin massage by the family"),
    "perceived_insufficient_milk": _("perceived insufficient milk"),
    "prelacteal": _("prelacteal feeds"),
    "prelacteal_given": _("prelacteal feed given"),
    "prelacteal_sweet": _("sweet prelacteal feed"),
    "prelacteal_traditional": _("traditional prelacteal feed"),
    "returned_to_work": _("returned to work"),
    "support_family": _("family support"),
    "support_husband": _("husband's support"),
    "support_paid": _("paid help"),
    "water": _("water"),
    "work": _("work"),
    "work_outside": _("work outside the home"),
    "workplace_support": _("support at work"),
}


def theme_label(tag: str) -> str:
    """The name of a theme tag in the active language; an unknown tag shows as its code."""
    label = THEME_LABELS.get(tag)
    return str(label) if label is not None else tag

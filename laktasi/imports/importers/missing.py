"""Questions whose column is not in the file, and what follows from it.

A question left out of an export (KoboToolbox "select questions to export", a column deleted
by hand) was never read: it is missing, not answered wrongly. An empty cell in a column that is
there is the mother's unanswered question and follows the instrument's own rule. For a scored
instrument a missing column means no row's score or category can be computed, so a commit is
refused unless the user accepts incomplete responses; those are stored without the missing
questions and without score or category (``details["not_collected"]`` names them).
"""

from __future__ import annotations

from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _

from laktasi.instruments import registry

CONSEQUENCE = {
    "knowledge": _("the score (percent correct) and the knowledge category"),
    "checklist": _("the checklist score and the competence result (kompeten / belum kompeten)"),
    "likert": _("the total, the subscale means and the category"),
    "smoothness": _("the milk smoothness result (lancar / tidak lancar)"),
    "recall": _("the feeding status of the last 24 hours (exclusive breastfeeding or not)"),
}
UNSCORED_TYPES = frozenset({"text"})


def missing_columns(definition: registry.InstrumentDefinition, bound) -> list[str]:
    """Item ids with no column (a select_multiple with neither its one column nor a 0/1
    column for every choice counts as missing). ``bound(item)`` says whether it is read."""
    return [item.id for item in definition.items if not bound(item)]


def is_scored(definition: registry.InstrumentDefinition, item_ids: list[str]) -> bool:
    """Whether any of these items feeds a score, category or status."""
    if definition.kind not in CONSEQUENCE:
        return False
    return any(definition.item(i).type not in UNSCORED_TYPES for i in item_ids)


def missing_note(definition: registry.InstrumentDefinition, item_ids: list[str]) -> str:
    """The preview's explanation: which columns, what cannot be computed, what to do."""
    names = ", ".join(item_ids[:30]) + (" …" if len(item_ids) > 30 else "")
    if not is_scored(definition, item_ids):
        return gettext_now(
            "Columns not in the file: %(names)s. These questions will be stored as not "
            "answered; nothing is computed from them."
        ) % {"names": names}
    return gettext_now(
        "Columns not in the file: %(names)s (%(n)s of %(total)s questions). A missing question "
        "is not a wrong answer: without them %(what)s cannot be computed for any row. Export "
        "again with every question (KoboToolbox: all questions selected), or accept "
        "incomplete responses: they are stored without these questions and without score or "
        "category."
    ) % {
        "names": names,
        "n": len(item_ids),
        "total": len(definition.items),
        "what": CONSEQUENCE[definition.kind],
    }

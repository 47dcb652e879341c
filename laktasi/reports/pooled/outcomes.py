"""Which outcome is pooled: ``INSTRUMENT[@VERSION][:score|:category|:item:ITEM]`` or
``ebf_visit``.

``score`` pools the mean change of the instrument's score (as the program report's score
table); ``category`` pools the change in the share of mothers in the instrument's best
category ("ASI lancar", knowledge "Baik", a checklist "Kompeten") as a paired risk
difference, from the same pairs as the program report's McNemar analysis; ``item:ITEM``
pools the change in the share who answered one knowledge question correctly, or did one
checklist step at its top level (as the report's step table counts it). ``ebf_visit`` pools
the share of babies exclusively breastfed at their latest recall before six months, as the
dashboard counts it: a proportion at one time, not a change (logit, metafor "PLO").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Any

from django.utils.translation import gettext as _

from laktasi.instruments import registry
from laktasi.reports.datasets import ResponseRow

SCORE, CATEGORY, ITEM = "score", "category", "item"
#: a proportion at one time, not a change: exclusive breastfeeding at the latest recall
PROPORTION = "proportion"
EBF_VISIT = "ebf_visit"
#: kinds measured before and after in a program (interviews and recalls are not)
PAIRED_KINDS = ("knowledge", "smoothness", "checklist", "likert")


class OutcomeError(ValueError):
    """An outcome that cannot be pooled; the message is translated and says why."""


@dataclass(frozen=True)
class Outcome:
    instrument_id: str
    version: str | None  #: only responses of this version; None: all (and they must agree)
    measure: str  #: SCORE, CATEGORY or ITEM
    definition: Any
    item_id: str = ""  #: the item, for ITEM

    @property
    def spec(self) -> str:
        if self.measure == PROPORTION:
            return EBF_VISIT
        version = f"@{self.version}" if self.version else ""
        item = f":{self.item_id}" if self.measure == ITEM else ""
        return f"{self.instrument_id}{version}:{self.measure}{item}"

    def with_version(self, version: str) -> Outcome:
        return replace(self, version=version)

    def categories(self, lang: str) -> list[tuple[str, str]]:
        """(code, label) best first, as the program report orders them."""
        scoring = self.definition.scoring
        if self.definition.kind == "knowledge":
            return [(b.code, b.label.get(lang)) for b in scoring["bands"]]
        return [(code, text.get(lang)) for code, text in scoring.get("categories", {}).items()]

    def best(self, lang: str = "id") -> tuple[str, str]:
        return self.categories(lang)[0]

    def title(self, lang: str) -> str:
        if self.measure == PROPORTION:
            return _("Exclusive breastfeeding at the latest recall before six months")
        name = self.definition.title(lang)
        if self.measure == SCORE:
            return _("%(instrument)s: mean change of the score") % {"instrument": name}
        if self.measure == ITEM:
            item = next(i for i in self.definition.items if i.id == self.item_id)
            return _("%(instrument)s: change in the share with '%(item)s' right") % {
                "instrument": name,
                "item": item.label_for(lang),
            }
        return _("%(instrument)s: change in the share '%(category)s'") % {
            "instrument": name,
            "category": self.best(lang)[1],
        }

    def value(self) -> Callable[[ResponseRow], Any]:
        """The value the program report pairs for this outcome (none for a proportion)."""
        if self.measure == PROPORTION:
            return lambda r: None
        if self.measure == CATEGORY:
            best = self.best()[0]
            return lambda r: (r.category == best) if r.category else None
        if self.measure == ITEM:
            return _item_value(self.definition, self.item_id)
        if self.definition.kind == "likert":
            return _likert_total
        return lambda r: r.score_pct


def _likert_total(r: ResponseRow) -> float | None:
    # the same total as the program report's confidence and support scales
    total = r.details.get("total")
    return None if total in (None, "") else float(Fraction(str(total)))


def _item_value(definition, item_id: str) -> Callable[[Any], bool | None]:
    """Right or not for one item: a knowledge answer equal to its key (as the scoring counts
    it), a checklist step at the top level (as the report's step table counts it)."""
    item = next(i for i in definition.items if i.id == item_id)
    if definition.kind == "knowledge":
        expected = "true" if item.key else "false"
        return lambda r: None if r.answers.get(item_id) is None else r.answers[item_id] == expected
    top = definition.scoring.get("top_level", 1)
    return lambda r: (
        None if r.answers.get(item_id) in (None, "") else int(r.answers[item_id]) >= top
    )


def _check_item(definition, item_id: str) -> None:
    if definition.kind not in ("knowledge", "checklist"):
        raise OutcomeError(_("Single items can be pooled for knowledge tests and checklists only."))
    if item_id not in {i.id for i in definition.items}:
        raise OutcomeError(
            _("%(instrument)s has no item '%(item)s'.")
            % {"instrument": definition.title("id"), "item": item_id}
        )


def outcome_parse(spec: str) -> Outcome:
    """Read ``INSTRUMENT[@VERSION][:score|:category|:item:ITEM]``; OutcomeError when it cannot
    be pooled."""
    if spec.strip() == EBF_VISIT:
        return Outcome(EBF_VISIT, None, PROPORTION, None)
    head, _sep, rest = spec.strip().partition(":")
    measure, _sep, item_id = rest.partition(":")
    measure = measure or SCORE
    iid, _at, version = head.partition("@")
    if measure not in (SCORE, CATEGORY, ITEM) or (measure == ITEM) != bool(item_id):
        raise OutcomeError(
            _("Unknown outcome measure '%(measure)s': use score, category or item:ITEM.")
            % {"measure": measure}
        )
    try:
        definition = registry.get(iid, version or None)
    except registry.UnknownInstrumentError as exc:
        raise OutcomeError(_("Unknown instrument or version: %(why)s") % {"why": exc}) from exc
    if definition.kind not in PAIRED_KINDS:
        raise OutcomeError(
            _("%(instrument)s is not measured before and after, so it cannot be pooled.")
            % {"instrument": definition.title("id")}
        )
    if measure == ITEM:
        _check_item(definition, item_id)
    outcome = Outcome(iid, version or None, measure, definition, item_id)
    if measure == CATEGORY and not outcome.categories("id"):
        raise OutcomeError(
            _("%(instrument)s has no categories: choose its score.")
            % {"instrument": definition.title("id")}
        )
    return outcome


def outcome_choices(lang: str) -> list[tuple[str, str]]:
    """Every outcome that can be pooled, as (spec, label) for a form."""
    out = [(EBF_VISIT, outcome_parse(EBF_VISIT).title(lang))]
    for iid, versions in registry.load_all().items():
        definition = list(versions.values())[-1]
        if definition.kind not in PAIRED_KINDS:
            continue
        for measure in (CATEGORY, SCORE):
            try:
                outcome = outcome_parse(f"{iid}:{measure}")
            except OutcomeError:
                continue
            if measure == SCORE and definition.kind == "smoothness":
                continue  # its observation score is not reported; "ASI lancar" is
            out.append((outcome.spec, outcome.title(lang)))
    return out

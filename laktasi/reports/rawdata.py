"""The de-identified tidy data behind a report: one row per mother and timepoint.

Files leave laktasi, so the rows carry no stable key and only coarse quasi-identifiers: each
export gets fresh random pseudonyms (``P-`` and 8 characters, never the ``LK-`` identifier,
so two exports cannot be joined to each other or to laktasi), the mother's age only as an age
group, and the baby's age in completed weeks, not days.

Categorical variables are stored as integer codes with value labels (lowest category 1), so
SPSS, R and spreadsheets read them the same way; missing values are empty (None).
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from laktasi.reports.document import RawData, Variable
from laktasi.reports.labels import AGE_GROUPS, age_group, choice_labels

if TYPE_CHECKING:  # pragma: no cover
    from laktasi.reports.analyses.common import ReportContext

TIMEPOINTS = (("pre", 1), ("post", 2))


def _coded(name: str, label: str, choices: list[tuple[str, str]]) -> tuple[Variable, dict]:
    codes = {code: i for i, (code, _l) in enumerate(choices, start=1)}
    labels = tuple((i, lab) for i, (_c, lab) in enumerate(choices, start=1))
    return Variable(name, label, "int", labels), codes


def raw_data(ctx: ReportContext) -> RawData:
    ages = [(k, str(v)) for k, v in AGE_GROUPS]
    variables = [
        Variable("id", _("random pseudonym, new in every export"), "string"),
        Variable("timepoint", _("timepoint"), "int", ((1, _("before")), (2, _("after")))),
    ]
    age_var, age_codes = _coded("age_group", _("age group"), ages)
    edu_var, edu_codes = _coded("education", _("education"), choice_labels("education"))
    occ_var, occ_codes = _coded("occupation", _("occupation"), choice_labels("occupation"))
    del_var, del_codes = _coded("delivery_mode", _("delivery mode"), choice_labels("delivery_mode"))
    variables += [
        age_var,
        Variable("parity", _("parity (births including this one)"), "int"),
        Variable("primipara", _("first baby"), "int", ((0, _("no")), (1, _("yes")))),
        edu_var,
        occ_var,
        del_var,
        Variable("baby_age_weeks", _("baby's age in completed weeks at the program start"), "int"),
        Variable(
            "companion_present",
            _("a companion came to a session"),
            "int",
            ((0, _("no")), (1, _("yes"))),
        ),
    ]
    outcome_vars: list[tuple[Variable, Any]] = []
    for inst in ctx.instruments:
        if inst.kind not in ("knowledge", "smoothness", "checklist", "likert"):
            continue  # interviews have no score; recalls belong to follow-up visits
        if inst.kind == "likert":
            outcome_vars.append(
                (
                    Variable(
                        f"{inst.id}_total",
                        _("%(title)s: total score") % {"title": inst.title},
                        "float",
                    ),
                    ("total", None),
                )
            )
            continue
        outcome_vars.append(
            (
                Variable(
                    f"{inst.id}_score",
                    _("%(title)s: score (%% of maximum)") % {"title": inst.title},
                    "float",
                ),
                ("score", None),
            )
        )
        cats = ctx.categories(inst)[::-1]
        if cats:
            var, codes = _coded(
                f"{inst.id}_cat", _("%(title)s: category") % {"title": inst.title}, cats
            )
            outcome_vars.append((var, ("cat", codes)))
    variables += [v for v, _spec in outcome_vars]
    index = {
        (inst.id, tp): ctx.responses(inst.id, tp)
        for inst in ctx.instruments
        for tp, _n in TIMEPOINTS
    }
    rows = []
    pseudonyms = fresh_pseudonyms(len(ctx.ds.mothers))
    for m, pseudonym in zip(ctx.ds.mothers, pseudonyms, strict=True):
        base = [
            pseudonym,
            None,
            age_codes.get(age_group(m.age_years)),
            m.parity,
            None if m.parity is None else int(m.parity == 1),
            edu_codes.get(m.education),
            occ_codes.get(m.occupation),
            del_codes.get(m.delivery_mode),
            None if m.baby_age_days is None else m.baby_age_days // 7,
            int(m.companion_present),
        ]
        for tp, number in TIMEPOINTS:
            row = list(base)
            row[1] = number
            for var, (what, codes) in outcome_vars:
                iid = var.name.rsplit("_", 1)[0]
                r = index.get((iid, tp), {}).get(m.identifier)
                row.append(_value(r, what, codes))
            rows.append(tuple(row))
    return RawData(tuple(variables), tuple(rows))


PSEUDONYM_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def fresh_pseudonyms(n: int) -> list[str]:
    """``n`` distinct random pseudonyms, sorted so row order says nothing about laktasi's."""
    found: set[str] = set()
    while len(found) < n:
        found.add("P-" + "".join(secrets.choice(PSEUDONYM_ALPHABET) for _i in range(8)))
    return sorted(found)


def _value(r, what: str, codes: dict | None):
    if r is None:
        return None
    if what == "score":
        return None if r.score_pct is None else round(float(r.score_pct), 4)
    if what == "total":
        total = r.details.get("total")
        if total in (None, ""):
            return None
        num, _sep, den = str(total).partition("/")
        return round(int(num) / int(den or 1), 4)
    return codes.get(r.category) if codes else None

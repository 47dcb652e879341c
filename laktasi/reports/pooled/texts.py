"""The words printed with the pooled numbers: heterogeneity, caveats, methods, refusals."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from laktasi import stats
from laktasi.places.models import FacilityKind
from laktasi.programs.models import ProgramKind
from laktasi.reports.pooled.analysis import FEW_PAIRS, PooledAnalysis, PoolingRefused
from laktasi.stats.pooled import FEW_PROGRAMS, PooledResult

MODERATOR_LABELS = {
    "program_kind": gettext_lazy("program kind"),
    "facility_kind": gettext_lazy("facility kind"),
    "companion_share": gettext_lazy("share of mothers with a companion"),
    "session_minutes": gettext_lazy("session minutes"),
    "year": gettext_lazy("year"),
}


def moderator_label(code: str) -> str:
    return str(MODERATOR_LABELS.get(code, code))


def kind_label(code: str) -> str:
    try:
        return str(ProgramKind(code).label)
    except ValueError:
        return code


def facility_kind_label(code: str) -> str:
    try:
        return str(FacilityKind(code).label)
    except ValueError:
        return code


def not_pooled_reason(code: str) -> str:
    if code == "few_pairs":
        return _("fewer than 2 complete pairs")
    if code == "no_recalls":
        return _("no decided recall before six months")
    return _("every mother changed by the same amount (or nobody changed), so the program's "
             "variance is 0 and it cannot be weighted")  # fmt: skip


def heterogeneity_words(p: PooledResult, lang: str, *, proportion: bool = False) -> str:
    """I² in words, e.g. "antara desa, efeknya berbeda-beda: I² 64 %".

    Bands follow the Cochrane Handbook's rough guide (0-40 might not be important, 30-60
    moderate, 50-90 substantial, 75-100 considerable), cut without overlap at 30, 50, 75.
    """
    i2 = stats.fmt_num(p.i2, 0, lang) + (" %" if lang == "id" else "%")
    if proportion:
        text = _share_heterogeneity(p.i2)
    elif p.i2 < 30:
        text = _("between villages the change is about the same: I² %(i2)s")
    elif p.i2 < 50:
        text = _("between villages the change differs somewhat: I² %(i2)s")
    elif p.i2 < 75:
        text = _("between villages the change differs: I² %(i2)s")
    else:
        text = _("between villages the change differs a lot: I² %(i2)s")
    out = text % {"i2": i2}
    out = out[:1].upper() + out[1:]
    if p.k < FEW_PROGRAMS:
        out += " " + _("(with so few programs, I² itself is very uncertain).")
    else:
        out += "."
    return out


def _share_heterogeneity(i2: float) -> str:
    if i2 < 30:
        return _("between villages the share is about the same: I² %(i2)s")
    if i2 < 50:
        return _("between villages the share differs somewhat: I² %(i2)s")
    if i2 < 75:
        return _("between villages the share differs: I² %(i2)s")
    return _("between villages the share differs a lot: I² %(i2)s")


def _few_programs(k: int, test: str) -> str:
    if test == "knha":
        return _(
            "Only %(k)s programs: the variance between programs is very uncertain; the "
            "interval uses the Knapp–Hartung method (t with %(df)s degrees of freedom), "
            "which is wider and more honest with few programs."
        ) % {"k": k, "df": k - 1}
    return _(
        "Only %(k)s programs: the variance between programs is very uncertain and a "
        "normal-based (z) interval is too narrow; use Knapp–Hartung."
    ) % {"k": k}


def _not_pooled(e) -> str:
    return _("Program #%(pk)s (%(village)s %(year)s) is shown but not pooled: %(why)s") % {
        "pk": e.program.pk,
        "village": e.program.village,
        "year": e.program.year,
        "why": not_pooled_reason(e.reason),
    }


def caveats(a: PooledAnalysis, lang: str) -> list[str]:
    """The caveats printed with every pooled result."""
    p = a.pooled
    proportion = a.dataset.outcome.measure == "proportion"
    if proportion:
        out = [
            _(
                "This is a share at one time (each baby's latest recall before six months), "
                "not a change before and after, and there is no comparison group: it is not a "
                "causal effect of the programs. Babies were recalled at different ages."
            )
        ]
    else:
        out = [
            _(
                "These are changes before and after within the same mothers, without a "
                "comparison group: they are not causal effects of the programs (mothers and "
                "babies change with time, and measuring twice changes answers too)."
            )
        ]
    if p.k < FEW_PROGRAMS:
        out.append(_few_programs(p.k, a.test))
    few = [e for e in a.included if e.few_pairs]
    if few and proportion:
        out.append(
            _(
                "%(n)s program(s) with fewer than %(min)s decided recalls are pooled but "
                "flagged (†): each weighs little and its own share is unreliable."
            )
            % {"n": len(few), "min": FEW_PAIRS}
        )
    undecided = sum(e.program.undecided for e in a.effects)
    if proportion and undecided:
        out.append(
            _(
                "%(n)s latest recall(s) were left undecided by a missing answer: they are not "
                "counted in N (as on the dashboard), which can bias the share if they differ."
            )
            % {"n": undecided}
        )
    if few and not proportion:
        out.append(
            _(
                "%(n)s program(s) with fewer than %(min)s pairs are pooled but flagged (†): "
                "each weighs little and its own result is unreliable."
            )
            % {"n": len(few), "min": FEW_PAIRS}
        )
    out += [_not_pooled(e) for e in a.effects if e.effect is None]
    if a.method == "FE":
        out.append(
            _(
                "A fixed-effect model assumes every program has the same true change; it "
                "answers 'what was the average in these programs', not 'what to expect elsewhere'."
            )
        )
    if any(e.program.is_demo for e in a.effects):
        out.append(_("Demo data: programs marked [demo] are synthetic, loaded by 'laktasi demo'."))
    return out


def methods_text(a: PooledAnalysis) -> str:
    outcome = a.dataset.outcome
    if outcome.measure == "proportion":
        return _proportion_methods(a)
    if outcome.measure == "score":
        measure = _(
            "Each program's effect is the mean of the paired differences after − before, with "
            "the variance of that mean (metafor escalc measure MC)."
        )
    else:
        measure = _(
            "Each program's effect is the paired risk difference after − before with its "
            "variance (metafor escalc measure MPRD, no continuity correction)."
        )
    pooling = {
        "REML": _("The effects were pooled with a random-effects model, between-program "
                  "variance by restricted maximum likelihood (REML, Fisher scoring)"),
        "DL": _("The effects were pooled with a random-effects model, between-program "
                "variance by DerSimonian–Laird"),
        "FE": _("The effects were pooled with a fixed-effect (inverse-variance) model"),
    }[a.method]  # fmt: skip
    test = (
        _("with Knapp–Hartung intervals and tests (t on k − 1 degrees of freedom)")
        if a.test == "knha"
        else _("with normal (z) intervals and tests")
    )
    return " ".join(
        [
            _(
                "Pairs are formed exactly as in each program's own report: the same mothers "
                "(enrolled in the program), the primary observer, complete pairs only."
            ),
            measure,
            f"{pooling}, {test}.",
            _(
                "The prediction interval is μ ± crit·√(SE² + τ²); I² uses the typical "
                "within-program variance. The numbers match R's metafor (rma, predict)."
            ),
        ]
    )


def _pooling_words(a: PooledAnalysis) -> str:
    pooling = {
        "REML": _("The effects were pooled with a random-effects model, between-program "
                  "variance by restricted maximum likelihood (REML, Fisher scoring)"),
        "DL": _("The effects were pooled with a random-effects model, between-program "
                "variance by DerSimonian–Laird"),
        "FE": _("The effects were pooled with a fixed-effect (inverse-variance) model"),
    }[a.method]  # fmt: skip
    test = (
        _("with Knapp–Hartung intervals and tests (t on k − 1 degrees of freedom)")
        if a.test == "knha"
        else _("with normal (z) intervals and tests")
    )
    return f"{pooling}, {test}."


def _proportion_methods(a: PooledAnalysis) -> str:
    return " ".join(
        [
            _(
                "For each program: the babies of its enrolled mothers, each counted once with "
                "the latest 24-hour recall before six months (as the dashboard counts EBF); "
                "x = exclusive, n = decided recalls; undecided recalls are left out and counted."
            ),
            _(
                "Each program's share is taken on the logit scale with its variance (metafor "
                "escalc measure PLO; 1/2 is added to x and n − x when x is 0 or n)."
            ),
            _pooling_words(a),
            _(
                "The estimate, its CI and the prediction interval are back-transformed to "
                "percent (metafor predict with transf.ilogit); tau² is on the logit scale."
            ),
        ]
    )


def refusal_message(exc: PoolingRefused) -> str:
    """A refusal in the current language."""
    d = exc.details
    if exc.code == "versions":
        counts = ", ".join(
            _("version %(v)s in %(n)s program(s)") % {"v": v, "n": n}
            for v, n in d["versions"].items()
        )
        return _(
            "This outcome was measured with different instrument versions (%(counts)s); "
            "they are not pooled together. Choose one version: %(specs)s."
        ) % {"counts": counts, "specs": ", ".join(d["specs"])}
    if exc.code == "too_few":
        return _(
            "Pooling needs at least 2 programs with a usable effect; of the %(chosen)s chosen, "
            "%(usable)s can be used."
        ) % {"chosen": d["chosen"], "usable": d["usable"]}
    if exc.code == "no_programs":
        return _("No program matches this choice.")
    if exc.code == "moderator":
        return _("Unknown characteristic '%(m)s'.") % {"m": d["moderator"]}
    return _("Unknown method or test: use REML, DL or FE and knha or z.")

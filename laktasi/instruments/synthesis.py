"""Synthetic, plausible answers for demos: ``answers_for(definition, category, rng=...)``.

Every answer set is checked with the real scorer before it is returned, so a demo that asks
for "kurang" gets answers that :func:`laktasi.instruments.scoring.score` classifies as
"kurang". :data:`ARTICLE_MARGINS` and :func:`article_cohort` rebuild the source article's
15 mothers (knowledge Baik/Cukup/Kurang 2/5/8 before, 10/4/1 after; ASI lancar 6 before,
13 after). The article gives only margins, so the pre/post pairing is synthetic.

Plain Python: this module must not import Django. Never use it for real data.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction
from typing import Any

from laktasi.instruments.registry import (
    CATEGORY_CODES,
    InstrumentDefinition,
    Item,
    effective_rules,
)
from laktasi.instruments.scoring import band_for, is_relevant, score

ARTICLE_MARGINS: Mapping[str, Mapping[str, Mapping[str, int]]] = {
    "knowledge_test": {
        "pre": {"baik": 2, "cukup": 5, "kurang": 8},
        "post": {"baik": 10, "cukup": 4, "kurang": 1},
    },
    "milk_smoothness": {
        "pre": {"lancar": 6, "belum_lancar": 9},
        "post": {"lancar": 13, "belum_lancar": 2},
    },
}
# Worst to best, for the monotone pre/post pairing.
CATEGORY_ORDER = {
    "knowledge_test": ("kurang", "cukup", "baik"),
    "milk_smoothness": ("belum_lancar", "lancar"),
}
_TRIES = 200


def answers_for(
    definition: InstrumentDefinition,
    target_category: str | None,
    *,
    rng: random.Random,
    rules: Mapping | None = None,
    fixed: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Return a complete, plausible answers dict that scores as ``target_category``.

    ``target_category`` is a category code ("kurang", "kompeten", "lancar", "mixed_milk",
    ...) or None for instruments without categories (interview, likert without bands).
    ``rules`` is the same per-programme override given to ``score``; ``fixed`` answers (e.g. a
    demo baby's age) are kept as given. Raises ValueError if the target cannot be reached.
    """
    rules_now = effective_rules(definition, rules)
    allowed = _categories(definition.kind, rules_now)
    if target_category not in allowed:
        raise ValueError(
            f"{definition.id} has no category {target_category!r}; choose from {allowed}"
        )
    propose = _PROPOSERS[definition.kind]
    for _ in range(_TRIES):
        try:
            answers = propose(definition, target_category, rng, rules_now, dict(fixed or {}))
        except ValueError as exc:
            raise ValueError(
                f"cannot synthesise {definition.id} answers for {target_category!r}: {exc}"
            ) from exc
        answers.update(fixed or {})
        result = score(definition, answers, rules=rules)
        if result.category == target_category and result.complete:
            return answers
    raise ValueError(
        f"cannot synthesise {definition.id} v{definition.version} answers "
        f"for category {target_category!r}"
    )


def _categories(kind: str, rules: Mapping[str, Any]) -> list[str | None]:
    if kind in CATEGORY_CODES:
        return list(CATEGORY_CODES[kind])
    bands = rules.get("bands") or ()
    return [b.code for b in bands] if bands else [None]


# ---------------------------------------------------------------------------- proposers


def _pick_count(rng: random.Random, n: int, ok: Callable[[int], bool], floor: int = 0) -> int:
    """A count k in 0..n with ok(k), preferring k >= floor (floor keeps 'kurang' plausible)."""
    valid = [k for k in range(n + 1) if ok(k)]
    if not valid:
        raise ValueError("no count reaches the target category")
    plausible = [k for k in valid if k >= floor] or valid
    return rng.choice(plausible)


def _knowledge(defn, target, rng, rules, fixed):
    n = len(defn.items)
    k = _pick_count(
        rng, n, lambda c: band_for(Fraction(100 * c, n), rules["bands"]).code == target, n // 3
    )
    right = set(rng.sample(defn.item_ids, k))
    return {
        it.id: ("true" if it.key == (it.id in right) else "false")
        for it in defn.items  # a correct answer equals the key
    }


def _checklist(defn, target, rng, rules, fixed):
    top, critical = rules["top_level"], set(rules["critical_items"])
    miss_critical = (
        target == "belum_kompeten"
        and rules["critical_must_pass"]
        and critical
        and rng.random() < 0.5
    )
    ids = list(defn.item_ids)
    # Competent mothers miss only non-critical steps; others may miss any step.
    pool = [i for i in ids if i not in critical] if target == "kompeten" else ids

    def ok(misses: int) -> bool:
        passes = Fraction(100 * (len(ids) - misses), len(ids)) >= rules["min_pct"]
        return passes if target == "kompeten" else bool(miss_critical) or not passes

    missed = set(rng.sample(pool, _pick_count(rng, len(pool), ok)))
    if miss_critical:
        missed.add(rng.choice(sorted(critical)))
    return {i: (0 if i in missed else top) for i in ids}


def _smoothness(defn, target, rng, rules, fixed):
    age_item = defn.item(rules["age_item"])
    age = fixed.get(age_item.id)
    if age is None:
        age = rng.randint(*(age_item.demo_range or (age_item.min, age_item.max)))
    answers: dict[str, Any] = {age_item.id: age}
    signs = [it for it in defn.items if it.type == "sign" and is_relevant(it, answers)]
    skipped = set(rng.sample([s.id for s in signs], rng.choice((0, 0, 1, 2))))
    assessed = [s.id for s in signs if s.id not in skipped]
    n = len(assessed)

    def lancar(met: int) -> bool:
        if rules["rule"] == "ratio":
            return Fraction(met, n) >= rules["threshold"]
        return met >= rules["min_met"]

    met = _pick_count(rng, n, lambda m: lancar(m) == (target == "lancar"), 1)
    yes = set(rng.sample(assessed, met))
    answers.update(dict.fromkeys(skipped, "not_assessed"))
    answers.update({s: ("yes" if s in yes else "no") for s in assessed})
    return answers


def _likert(defn, target, rng, rules, fixed):
    lo, hi = defn.scale_min, defn.scale_max
    centre = rng.uniform(lo + (hi - lo) * 0.35, hi)
    out = {}
    for it in defn.items:
        v = min(hi, max(lo, round(rng.gauss(centre, 0.8))))
        out[it.id] = lo + hi - v if it.reverse else v
    return out


def _interview(defn, target, rng, rules, fixed):
    answers: dict[str, Any] = {}
    for it in defn.items:
        if not is_relevant(it, answers) or (not it.required and rng.random() < 0.6):
            continue
        answers[it.id] = _any_value(it, rng)
    return answers


def _any_value(it: Item, rng: random.Random) -> Any:
    if it.type == "integer":
        lo, hi = it.demo_range or (it.min, it.max)
        value = rng.randint(lo, hi)
        return value - value % 1000 if hi >= 100_000 else value
    if it.type == "text":
        return "(contoh demo) catatan wawancara"
    if it.type == "select_multiple":
        plain = [c.name for c in it.choices if not c.exclusive]
        exclusive = [c.name for c in it.choices if c.exclusive]
        if exclusive and rng.random() < 0.2:
            return [rng.choice(exclusive)]
        return rng.sample(plain, rng.choice((1, 1, 2)))
    return rng.choice(it.choice_names)


_RECALL_NEED = {
    "exclusive": ((), ("water", "water_based", "milk_based_liquid", "non_human_milk", "solid")),
    "predominant": (("water", "water_based"), ("milk_based_liquid", "non_human_milk", "solid")),
    "partial": (("solid", "milk_based_liquid"), ("non_human_milk",)),
    "mixed_milk": (("non_human_milk",), ()),
    "not_breastfed": ((), ()),
}


def _recall(defn, target, rng, rules, fixed):
    need, forbid = _RECALL_NEED[target]
    bf_item, age_item = rules["breastfed_item"], defn.item(rules["age_item"])
    answers: dict[str, Any] = {
        bf_item: "no" if target == "not_breastfed" else "yes",
        age_item.id: rng.randint(*(age_item.demo_range or (age_item.min, age_item.max))),
    }
    others = [it for it in defn.items if it.recall_class and it.id != bf_item]
    for it in others:
        given = it.recall_class not in forbid and rng.random() < 0.15
        answers[it.id] = "yes" if given else "no"
    if need:
        answers[rng.choice([it.id for it in others if it.recall_class in need])] = "yes"
    return answers


_PROPOSERS = {
    "knowledge": _knowledge,
    "checklist": _checklist,
    "smoothness": _smoothness,
    "likert": _likert,
    "interview": _interview,
    "recall": _recall,
}


# ---------------------------------------------------------------------------- article demo


def paired_targets(
    pre: Mapping[str, int], post: Mapping[str, int], *, order: Sequence[str], rng: random.Random
) -> list[tuple[str, str]]:
    """Pair pre and post category counts into per-mother (pre, post) targets.

    The pairing is monotone (ranked pre categories matched with ranked post categories, so
    nobody gets worse) and then shuffled: one plausible paired table among many that share
    the published margins.
    """
    if sum(pre.values()) != sum(post.values()):
        raise ValueError("pre and post counts must have the same total")
    rank = {code: i for i, code in enumerate(order)}
    pre_list = sorted((c for c, n in pre.items() for _ in range(n)), key=rank.__getitem__)
    post_list = sorted((c for c, n in post.items() for _ in range(n)), key=rank.__getitem__)
    pairs = list(zip(pre_list, post_list, strict=True))
    rng.shuffle(pairs)
    return pairs


def article_cohort(
    *,
    rng: random.Random,
    knowledge: InstrumentDefinition,
    smoothness: InstrumentDefinition,
) -> list[dict[str, dict[str, dict[str, Any]]]]:
    """Answers for the article's 15 mothers, reproducing its margins through the scorer.

    Returns one dict per mother: ``{instrument_id: {"pre": answers, "post": answers}}``.
    The post smoothness answers keep the pre baby's age plus 7 days.
    """
    mothers: list[dict[str, dict[str, dict[str, Any]]]] = []
    k_pairs = paired_targets(
        **ARTICLE_MARGINS["knowledge_test"], order=CATEGORY_ORDER["knowledge_test"], rng=rng
    )
    s_pairs = paired_targets(
        **ARTICLE_MARGINS["milk_smoothness"], order=CATEGORY_ORDER["milk_smoothness"], rng=rng
    )
    age_item = smoothness.scoring["age_item"]
    for (k_pre, k_post), (s_pre, s_post) in zip(k_pairs, s_pairs, strict=True):
        s_pre_answers = answers_for(smoothness, s_pre, rng=rng)
        later = {age_item: s_pre_answers[age_item] + 7}
        mothers.append(
            {
                knowledge.id: {
                    "pre": answers_for(knowledge, k_pre, rng=rng),
                    "post": answers_for(knowledge, k_post, rng=rng),
                },
                smoothness.id: {
                    "pre": s_pre_answers,
                    "post": answers_for(smoothness, s_post, rng=rng, fixed=later),
                },
            }
        )
    return mothers

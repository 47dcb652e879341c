"""Pre/post responses for the demo's 15 mothers, produced as answers and scored for real.

The categories come out of ``laktasi.instruments.scoring`` exactly as the article published
them (knowledge Baik/Cukup/Kurang 2/5/8 → 10/4/1; ASI lancar 6 → 13 of 15). The article does
not publish who was in which category before and after, so the pairing here is synthetic.
"""

from __future__ import annotations

import random
import uuid
from datetime import datetime, time, timedelta

from laktasi.instruments import registry
from laktasi.instruments.models import Observer, Timepoint
from laktasi.instruments.services import response_record
from laktasi.instruments.synthesis import (
    ARTICLE_MARGINS,
    CATEGORY_ORDER,
    answers_for,
    paired_targets,
)
from laktasi.mothers.models import Mother
from laktasi.programs.models import Session

DEMO_NAMESPACE = uuid.UUID("6f1c0d0e-8a57-4c37-9a53-0c9b5bb0a001")
# Share of companions and mothers the demo makes competent after practice (synthetic).
MASSAGE_COMPETENT = 12
MARMET_COMPETENT = 11


def _uuid(*parts: object) -> uuid.UUID:
    return uuid.uuid5(DEMO_NAMESPACE, "/".join(str(part) for part in parts))


def _record(mother, instrument, timepoint, answers, *, session, collected_by, when, **extra):
    response_record(
        mother=mother,
        instrument_id=instrument.id,
        version=instrument.version,
        timepoint=timepoint,
        answers=answers,
        collected_by=collected_by,
        source="paper",
        session=session,
        submission_uuid=_uuid(
            mother.identifier, instrument.id, timepoint, extra.get("observer", Observer.PRIMARY)
        ),  # fmt: skip
        collected_at=when,
        **extra,
    )


def demo_responses(*, session: Session, mothers: list[Mother], collected_by) -> None:
    """Record every demo instrument for the article's mothers (idempotent by UUID)."""
    rng = random.Random("laktasi-demo-responses")
    knowledge = registry.get("knowledge_test")
    smoothness = registry.get("milk_smoothness")
    massage = registry.get("oxytocin_massage_checklist")
    marmet = registry.get("marmet_checklist")
    confidence = registry.get("breastfeeding_confidence")
    support = registry.get("family_support")
    interview = registry.get("sociocultural_interview")
    k_pairs = paired_targets(**ARTICLE_MARGINS["knowledge_test"],
                             order=CATEGORY_ORDER["knowledge_test"], rng=rng)  # fmt: skip
    s_pairs = paired_targets(**ARTICLE_MARGINS["milk_smoothness"],
                             order=CATEGORY_ORDER["milk_smoothness"], rng=rng)  # fmt: skip
    start = session.starts_at
    after = datetime.combine(start.date() + timedelta(days=7), time(10, 0), tzinfo=start.tzinfo)
    age_item = smoothness.scoring["age_item"]
    for index, mother in enumerate(mothers):
        baby = mother.babies.first()
        age_pre = (start.date() - baby.birth_date).days
        common = {"session": session, "collected_by": collected_by}
        (k_pre, k_post), (s_pre, s_post) = k_pairs[index], s_pairs[index]
        _record(mother, knowledge, Timepoint.PRE, answers_for(knowledge, k_pre, rng=rng),
                when=start, **common)  # fmt: skip
        _record(mother, knowledge, Timepoint.POST, answers_for(knowledge, k_post, rng=rng),
                when=start + timedelta(hours=3), **common)  # fmt: skip
        _record(mother, smoothness, Timepoint.PRE,
                answers_for(smoothness, s_pre, rng=rng, fixed={age_item: age_pre}),
                when=start, **common)  # fmt: skip
        _record(mother, smoothness, Timepoint.POST,
                answers_for(smoothness, s_post, rng=rng, fixed={age_item: age_pre + 7}),
                when=after, **common)  # fmt: skip
        for instrument in (confidence, support):
            _record(mother, instrument, Timepoint.PRE, answers_for(instrument, None, rng=rng),
                    when=start, **common)  # fmt: skip
            _record(mother, instrument, Timepoint.POST, answers_for(instrument, None, rng=rng),
                    when=after, **common)  # fmt: skip
        _record(mother, interview, Timepoint.PRE, answers_for(interview, None, rng=rng),
                when=start, **common)  # fmt: skip
        massage_target = "kompeten" if index < MASSAGE_COMPETENT else "belum_kompeten"
        massage_answers = answers_for(massage, massage_target, rng=rng)
        companion = mother.companions.first()
        _record(mother, massage, Timepoint.POST, massage_answers, when=start + timedelta(hours=2),
                performed_by_companion=companion, **common)  # fmt: skip
        marmet_target = "kompeten" if index < MARMET_COMPETENT else "belum_kompeten"
        marmet_answers = answers_for(marmet, marmet_target, rng=rng)
        _record(mother, marmet, Timepoint.POST, marmet_answers, when=start + timedelta(hours=2),
                **common)  # fmt: skip
        if index % 3 == 0:
            # A second observer scored the same practice, so agreement can be reported.
            second = dict(massage_answers)
            flip = rng.choice([item.id for item in massage.items])
            second[flip] = 1 - int(second[flip]) if rng.random() < 0.5 else second[flip]
            _record(mother, massage, Timepoint.POST, second, when=start + timedelta(hours=2),
                    performed_by_companion=companion, observer=Observer.SECOND, **common)  # fmt: skip

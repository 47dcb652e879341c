"""Helpers for the answer-link tests: a session with links, and knowledge-test answers."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from laktasi.instruments import registry
from laktasi.links.services import answer_links_issue
from laktasi.links.tokens import token_for
from laktasi.programs.services import session_create


def make_session(program, day=None):
    """A session today at 09:00 (links of past sessions have expired), or at ``day``."""
    day = day or datetime.combine(timezone.localdate(), datetime.min.time()).replace(hour=9)
    return session_create(
        program=program,
        title="Kelas ASI",
        starts_at=timezone.make_aware(day),
        venue="Balai Desa",
        facilitator="Bidan Ani",
    )


def issue(session, user, instrument_id="knowledge_test", timepoint="pre", mothers=None):
    mothers = (
        mothers if mothers is not None else [e.mother for e in session.program.enrollments.all()]
    )
    return answer_links_issue(
        session=session, mothers=mothers, instrument_id=instrument_id, timepoint=timepoint, by=user
    )


def knowledge_answers(correct: int) -> dict[str, str]:
    """Answers to the knowledge test with ``correct`` right (the first ones)."""
    out = {}
    for n, item in enumerate(registry.get("knowledge_test").items):
        right = "true" if item.key else "false"
        wrong = "false" if item.key else "true"
        out[item.id] = right if n < correct else wrong
    return out


def form_payload(correct: int, token: str = "") -> dict[str, str]:
    data = {f"q_{k}": v for k, v in knowledge_answers(correct).items()}
    if token:
        data["form_token"] = token
    return data


def url_of(link) -> str:
    return f"/isi/{token_for(link.salt)}/"

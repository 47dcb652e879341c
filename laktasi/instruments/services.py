"""Writes for responses: validate, score with the one scoring module, store once."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from laktasi.accounts.models import User
from laktasi.core.idempotency import save_once, submission_replay
from laktasi.instruments import registry, scoring
from laktasi.instruments.models import Observer, Response, Source, Timepoint
from laktasi.mothers.models import Companion, Mother
from laktasi.mothers.services import require_consent
from laktasi.programs import pregnancy
from laktasi.programs.models import Attendance, Program, Session


def program_rules(*, program: Program | None, instrument: registry.InstrumentDefinition) -> dict:
    """Per-program overrides of an instrument's scoring rules (e.g. knowledge bands)."""
    if program is None or instrument.kind != "knowledge" or not program.knowledge_bands:
        return {}
    return {"bands": program.knowledge_bands}


def _answer_error(exc: scoring.AnswerError) -> ValidationError:
    message = exc.message_id if translation.get_language() == "id" else exc.message_en
    return ValidationError({"answers": f"{exc.item_id}: {message}"})


def score_answers(
    *, instrument: registry.InstrumentDefinition, answers: dict, program: Program | None
) -> scoring.ScoreResult:
    """Score, turning bad answers into a ValidationError in the user's language."""
    try:
        return scoring.score(
            instrument, answers, rules=program_rules(program=program, instrument=instrument)
        )
    except scoring.AnswerError as exc:
        raise _answer_error(exc) from exc


def _apply(response: Response, result: scoring.ScoreResult) -> None:
    response.score_pct = result.score_pct
    response.category = result.category or ""
    response.complete = result.complete
    response.details = result.details


def _refuse_breast_stimulation_in_pregnancy(*, mother, instrument_id, session) -> None:
    """No massage/expression checklist for a participant pregnant at the session (FACTS §15)."""
    if session is None or instrument_id not in pregnancy.POSTPARTUM_ONLY_CHECKLISTS:
        return
    attendance = Attendance.objects.filter(session=session, mother=mother).first()
    reason = pregnancy.checklist_refusal(attendance=attendance, instrument_id=instrument_id)
    if reason:
        raise ValidationError(str(reason), code="pregnant")


def response_record(
    *,
    mother: Mother,
    instrument_id: str,
    timepoint: str,
    answers: dict[str, Any],
    collected_by: User | None,
    source: str = Source.WEB,
    version: str | None = None,
    program: Program | None = None,
    session: Session | None = None,
    followup_number: int = 0,
    observer: str = Observer.PRIMARY,
    performed_by_companion: Companion | None = None,
    submission_uuid: uuid.UUID | str | None = None,
    collected_at: datetime | None = None,
) -> tuple[Response, bool]:
    """Record a response; returns (response, created).

    A replay with a known ``submission_uuid`` returns the stored response unchanged. A second
    response for the same program, mother, instrument, timepoint and observer is refused.
    """
    existing = submission_replay(Response, submission_uuid)
    if existing is not None:
        return existing, False
    require_consent(mother=mother)
    try:
        instrument = registry.get(instrument_id, version)
    except registry.UnknownInstrumentError as exc:
        raise ValidationError({"instrument_id": str(exc)}) from exc
    if session is not None and program is None:
        program = session.program
    _refuse_breast_stimulation_in_pregnancy(mother=mother, instrument_id=instrument.id,
                                            session=session)  # fmt: skip
    if timepoint != Timepoint.FOLLOWUP:
        followup_number = 0
    result = score_answers(instrument=instrument, answers=answers, program=program)
    response = Response(
        mother=mother,
        program=program,
        session=session,
        instrument_id=instrument.id,
        instrument_version=instrument.version,
        timepoint=timepoint,
        followup_number=followup_number,
        observer=observer,
        performed_by_companion=performed_by_companion,
        answers=scoring.normalise_answers(instrument, answers),
        collected_by=collected_by,
        collected_at=collected_at or timezone.now(),
        source=source,
        submission_uuid=submission_uuid or uuid.uuid4(),
    )
    _apply(response, result)
    response.full_clean()
    return save_once(response)


def response_update(
    *,
    response: Response,
    answers: dict[str, Any],
    changed_by: User | None,
    source: str | None = None,
    collected_at: datetime | None = None,
) -> Response:
    """Correct the answers; the previous version stays in the response's history.

    With ``source``, the answers are another person's (a kader's recall replacing the one
    the mother sent herself): source, collector and time become theirs."""
    require_consent(mother=response.mother)
    instrument = registry.get(response.instrument_id, response.instrument_version)
    result = score_answers(instrument=instrument, answers=answers, program=response.program)
    response.answers = scoring.normalise_answers(instrument, answers)
    _apply(response, result)
    if source is not None:
        response.source = source
        response.collected_by = changed_by
        response.collected_at = collected_at or timezone.now()
    response._history_user = changed_by
    response.full_clean()
    response.save()
    return response


def response_rescore(*, response: Response) -> Response:
    """Score again with the stored version (after a program changes its bands)."""
    if (response.details or {}).get("not_collected"):
        # Imported without some questions' columns: no score may be computed from the rest.
        return response
    instrument = registry.get(response.instrument_id, response.instrument_version)
    _apply(response, score_answers(instrument=instrument, answers=response.answers,
                                   program=response.program))  # fmt: skip
    response.save(update_fields=["score_pct", "category", "complete", "details", "updated_at"])
    return response

"""One idempotent save for rows keyed by a submission UUID (forms, API, FHIR bundles)."""

import uuid

import pytest
from django.db import IntegrityError

from laktasi.core.idempotency import save_once, submission_replay
from laktasi.programs.models import Consultation
from laktasi.programs.services import consultation_record


def _consultation(mother, key):
    return Consultation(mother=mother, question="?", advice="-", submission_uuid=key)


def test_a_replay_finds_the_row_its_first_submission_stored(world):
    key = uuid.uuid4()
    first, created = consultation_record(
        mother=world.mothers["melati"],
        recorded_by=None,
        question="?",
        advice="-",
        submission_uuid=key,
    )
    assert created
    assert submission_replay(Consultation, key) == first
    assert submission_replay(Consultation, str(key)) == first
    assert submission_replay(Consultation, None) is None
    assert submission_replay(Consultation, uuid.uuid4()) is None
    again, created = consultation_record(
        mother=world.mothers["melati"],
        recorded_by=None,
        question="other",
        advice="-",
        submission_uuid=key,
    )
    assert (again, created) == (first, False)
    assert Consultation.objects.count() == 1


def test_a_concurrent_replay_that_won_the_race_is_returned_not_duplicated(world):
    key = uuid.uuid4()
    winner, created = save_once(_consultation(world.mothers["melati"], key))
    assert created
    loser, created = save_once(_consultation(world.mothers["melati"], key))
    assert (loser, created) == (winner, False)
    assert Consultation.objects.filter(submission_uuid=key).count() == 1


def test_an_integrity_error_that_is_not_a_replay_is_raised(world):
    row = _consultation(None, uuid.uuid4())  # no mother: NOT NULL fails, no replay to return
    with pytest.raises(IntegrityError):
        save_once(row)

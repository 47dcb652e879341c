"""response_list's filters (the API's /responses query): each narrows the user's scope."""

from __future__ import annotations

import random

from laktasi.instruments import registry
from laktasi.instruments.selectors import response_list
from laktasi.instruments.services import response_record
from laktasi.instruments.synthesis import answers_for


def _record(mother, timepoint, program=None):
    knowledge = registry.get("knowledge_test")
    record, _created = response_record(
        mother=mother, instrument_id="knowledge_test", timepoint=timepoint,
        answers=answers_for(knowledge, "baik", rng=random.Random(timepoint)),
        collected_by=None, program=program,
    )  # fmt: skip
    return record


def test_response_list_filters_by_mother_program_instrument_and_timepoint(world):
    admin = world.users["admin"]
    melati, mawar = world.mothers["melati"], world.mothers["mawar"]
    pre = _record(melati, "pre", program=world.program)
    post = _record(melati, "post", program=world.program)
    other = _record(mawar, "pre")
    assert set(response_list(user=admin, mother=melati.pk)) == {pre, post}
    assert set(response_list(user=admin, program=world.program.pk)) == {pre, post}
    assert set(response_list(user=admin, timepoint="pre")) == {pre, other}
    assert set(response_list(user=admin, mother=melati.pk, timepoint="post")) == {post}
    assert not response_list(user=admin, instrument_id="milk_smoothness").exists()


def test_cadre_filtering_by_another_posyandus_mother_gets_no_responses(world):
    kader = world.users["kader"]  # Posyandu Melati
    _record(world.mothers["melati"], "pre")
    _record(world.mothers["mawar"], "pre")
    assert response_list(user=kader, timepoint="pre").count() == 1
    assert not response_list(user=kader, mother=world.mothers["mawar"].pk).exists()
    assert not response_list(user=kader, mother=world.mothers["mawar"].pk, timepoint="pre").exists()

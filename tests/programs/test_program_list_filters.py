"""program_list, session_list and enrollment_list's filters (the API's /programs, /sessions
and attendance checks): each narrows the user's scope, never widens it."""

from __future__ import annotations

from laktasi.programs.selectors import enrollment_list, program_list, session_list
from laktasi.programs.services import session_create


def _session(program):
    return session_create(
        program=program, title="Sesi 1", starts_at="2025-01-25T09:00+07:00", venue="Balai desa",
        facilitator="Bidan", agenda=[("pretest", 15)],
    )  # fmt: skip


def test_program_list_filters_by_kind(world):
    admin = world.users["admin"]
    assert list(program_list(user=admin, kind="community_service")) == [world.program]
    assert not program_list(user=admin, kind="research").exists()
    assert list(program_list(user=admin)) == [world.program]


def test_session_list_takes_a_program_or_its_id(world):
    session = _session(world.program)
    admin = world.users["admin"]
    assert list(session_list(user=admin, program=world.program.pk)) == [session]
    assert list(session_list(user=admin, program=world.program)) == [session]
    assert not session_list(user=admin, program=world.program.pk + 1000).exists()


def test_cadre_filtering_another_villages_program_gets_nothing(world):
    kader_mawar = world.users["kader_mawar"]  # Posyandu Mawar, Desa Jenu: not the program's
    _session(world.program)
    assert not program_list(user=kader_mawar, kind="community_service").exists()
    assert not session_list(user=kader_mawar, program=world.program.pk).exists()
    assert program_list(user=world.users["kader"], kind="community_service").exists()


def test_enrollment_list_filters_by_mother_within_scope(world):
    melati, mawar = world.mothers["melati"], world.mothers["mawar"]
    admin, kader_mawar = world.users["admin"], world.users["kader_mawar"]
    assert enrollment_list(user=admin, program=world.program, mother=melati).count() == 1
    assert not enrollment_list(user=admin, program=world.program, mother=mawar).exists()
    assert not enrollment_list(user=kader_mawar, mother=melati).exists()

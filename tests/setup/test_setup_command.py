"""``laktasi setup facility|invite|program|status`` for scripted installs."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from laktasi.accounts.invitations import invitation_find
from laktasi.places.models import Facility
from laktasi.programs.models import Program
from tests.conftest import make_regions

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("setup", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_a_scripted_first_day_creates_facilities_an_invitation_and_a_program(
    world, settings, tmp_path
):
    settings.VAR_DIR = tmp_path
    run(
        "facility", "--kind", "puskesmas", "--name", "Puskesmas Tuban", "--village", "35.23.12.2016"
    )
    run("facility", "--kind", "posyandu", "--name", "Posyandu Dahlia",
        "--village", "35.23.12.2005", "--puskesmas", "Puskesmas Tuban")  # fmt: skip
    dahlia = Facility.objects.get(name="Posyandu Dahlia")
    assert dahlia.puskesmas.name == "Puskesmas Tuban"
    link = run("invite", "--role", "kader", "--facility", "Posyandu Dahlia").strip()
    invitation = invitation_find(raw=link.rstrip("/").rsplit("/", 1)[1])
    assert invitation.facility == dahlia
    out = run("program", "--from-template", "kelas-asi", "--facility", str(world.puskesmas.pk),
              "--user", "bidan", "--session", "2026-12-10 09:00", "--venue", "Balai desa",
              "--facilitator", "Bidan Sari")  # fmt: skip
    program = Program.objects.get(pk=int(out.split()[0]))
    assert program.sessions.get().agenda_items.count() == 9
    status = StringIO()
    with pytest.raises(CommandError):
        call_command("setup", "status", stdout=status)
    assert "[x] session" in status.getvalue()
    assert "[ ] backup" in status.getvalue()


def test_errors_are_one_clear_line_in_english_with_lang_en(db):
    make_regions()
    with pytest.raises(CommandError, match="Unknown village code 35.23.12"):
        run("facility", "--kind", "puskesmas", "--name", "X", "--village", "35.23.12",
            "--lang", "en")  # fmt: skip
    with pytest.raises(CommandError, match="must belong to a puskesmas"):
        run("facility", "--kind", "posyandu", "--name", "X", "--village", "35.23.12.2005",
            "--lang", "en")  # fmt: skip
    with pytest.raises(CommandError, match="Unknown template nope; available: kelas-asi"):
        run("program", "--from-template", "nope", "--facility", "1", "--user", "x",
            "--session", "2026-12-10 09:00", "--venue", "v", "--facilitator", "f",
            "--lang", "en")  # fmt: skip
    assert not Facility.objects.exists()


def test_errors_are_in_indonesian_by_default(db):
    make_regions()
    with pytest.raises(CommandError, match="Kode desa tidak dikenal"):
        run("facility", "--kind", "puskesmas", "--name", "X", "--village", "99")


def test_bad_session_time_is_refused(world):
    with pytest.raises(CommandError, match="YYYY-MM-DD HH:MM"):
        run("program", "--from-template", "kelas-asi", "--facility", "Jenu", "--user", "bidan",
            "--session", "10/12/2026", "--venue", "v", "--facilitator", "f", "--lang", "en")  # fmt: skip
    assert not Program.objects.filter(sessions__venue="v").exists()

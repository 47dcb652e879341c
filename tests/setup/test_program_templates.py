"""Program templates (YAML): the seed program's class and a blank one, adjusted and started."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from laktasi.demo.loader import AGENDA
from laktasi.instruments import registry
from laktasi.instruments.forms import short_name
from laktasi.programs.models import Program
from laktasi.setup.program_templates import (
    ProgramStart,
    TemplateError,
    program_from_template,
    template_get,
    template_list,
    template_parse,
)
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _start(world, **extra) -> ProgramStart:
    fields = {
        "title": "",
        "organiser": "",
        "facility": world.puskesmas,
        "start_date": timezone.localdate(),
        "session_starts_at": timezone.make_aware(
            datetime.combine(timezone.localdate(), datetime.min.time().replace(hour=9))
        ),
        "venue": "Balai desa",
        "facilitator": "Bidan Sari",
    }
    return ProgramStart(**(fields | extra))


def test_the_shipped_templates_are_the_seed_class_and_a_blank_one():
    ids = [t.id for t in template_list()]
    assert ids == ["kelas-asi", "kosong"]
    seed = template_get("kelas-asi")
    assert seed.title["id"] == "Kelas ASI eksklusif dengan pijat oksitosin dan Marmet"
    # The seed program's agenda, step by step and minute by minute.
    assert [(s.kind, s.minutes) for s in seed.agenda] == [(k.value, m) for k, m in AGENDA]
    assert "knowledge_test" in seed.instruments["pre"]
    assert "marmet_checklist" in seed.instruments["post"]
    assert seed.instruments["followup"] == ("feeding_recall_24h",)
    assert seed.leaflet
    assert template_get("kosong").agenda == ()


def test_a_template_naming_an_unknown_instrument_is_refused(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(
        "id: bad\nkind: research\ntitle: {id: X}\ndescription: {id: Y}\n"
        "instruments: {pre: [no_such_test]}\n"
    )
    with pytest.raises(TemplateError, match="no_such_test"):
        template_parse(path)


def test_unknown_template_id_names_the_available_ones():
    with pytest.raises(TemplateError, match="kelas-asi"):
        template_get("nope")


def test_program_from_the_seed_template_has_session_agenda_plan_and_instruments(world):
    bidan = world.users["bidan"]
    program = program_from_template(
        template=template_get("kelas-asi"), start=_start(world), by=bidan
    )
    assert program.title == "Kelas ASI eksklusif dengan pijat oksitosin dan Marmet"
    assert list(program.team.all()) == [bidan]
    session = program.sessions.get()
    assert session.responsible == bidan
    assert session.total_minutes == sum(m for _, m in AGENDA)
    assert session.agenda_items.filter(kind="practice").get().notes.startswith("Pijat")
    assert program.followup_plan.contacts[0]["key"] == "d1_3"
    assert program.instrument_plan["post"][-1] == "marmet_checklist"


def test_adjusted_minutes_change_the_agenda_and_zero_leaves_a_step_out(world):
    template = template_get("kelas-asi")
    minutes = tuple(0 if s.kind == "video" else s.minutes for s in template.agenda)
    minutes = (20, *minutes[1:])
    program = program_from_template(
        template=template, start=_start(world, minutes=minutes), by=world.users["bidan"]
    )
    items = list(program.sessions.get().agenda_items.order_by("order"))
    assert len(items) == len(template.agenda) - 1
    assert (items[0].kind, items[0].duration_minutes) == ("pretest", 20)
    assert "video" not in {i.kind for i in items}


def test_a_bidan_cannot_start_a_program_outside_her_network(world):
    with pytest.raises(ValidationError):
        program_from_template(
            template=template_get("kosong"),
            start=_start(world, facility=world.kenanga),
            by=world.users["bidan"],
        )
    assert not Program.objects.filter(title="Program kosong").exists()


def test_a_session_before_the_program_start_is_refused_and_nothing_is_written(world):
    before = Program.objects.count()
    start = _start(world, start_date=timezone.localdate().replace(year=2030))
    with pytest.raises(ValidationError):
        program_from_template(
            template=template_get("kelas-asi"), start=start, by=world.users["bidan"]
        )
    assert Program.objects.count() == before


@pytest.mark.parametrize("role", ["kader", "viewer"])
def test_kader_and_viewer_cannot_open_the_new_program_page(client, world, role):
    client.login(username=world.users[role].username, password=PASSWORD)
    assert client.get(reverse("setup:program_new")).status_code == 404


def test_bidan_creates_a_program_from_the_template_page(client, world):
    client.login(username="bidan", password=PASSWORD)
    page = client.get(reverse("setup:program_new") + "?template=kelas-asi")
    assert page.status_code == 200
    form = page.context["form"]
    data = {
        "title": "Kelas ASI Desember",
        "organiser": "",
        "facility": world.melati.pk,
        "start_date": "10/12/2026",
        "session_date": "10/12/2026",
        "session_time": "09:00",
        "venue": "Posyandu Melati",
        "facilitator": "Bidan",
    }
    data |= {f"minutes_{i}": s.minutes for i, s in enumerate(form.steps)}
    response = client.post(reverse("setup:program_new") + "?template=kelas-asi", data)
    program = Program.objects.get(title="Kelas ASI Desember")
    assert response["Location"] == reverse("programs:detail", args=[program.pk])
    assert program.organiser == "Jenu"  # the posyandu's puskesmas
    assert timezone.localtime(program.sessions.get().starts_at).hour == 9


def test_an_unknown_template_in_the_url_is_a_404(client, world):
    client.login(username="bidan", password=PASSWORD)
    assert client.get(reverse("setup:program_new") + "?template=nope").status_code == 404


def test_the_program_matrix_shows_the_templates_instruments(client, world):
    program = program_from_template(
        template=template_get("kelas-asi"), start=_start(world), by=world.users["bidan"]
    )
    program.enrollments.create(mother=world.mothers["mawar"])
    client.login(username="bidan", password=PASSWORD)
    url = reverse("instruments:matrix", args=[program.pk])
    shown = [d.id for d, _name in client.get(url).context["definitions"]]
    planned = {i for ids in program.instrument_plan.values() for i in ids}
    assert "marmet_checklist" in shown
    assert set(shown) <= planned
    marmet = short_name(registry.get("marmet_checklist")).encode()
    assert marmet in client.get(url, {"fragment": "1"}).content
    # A program without a plan keeps the short summary on its page.
    plain = reverse("instruments:matrix", args=[world.program.pk])
    assert marmet not in client.get(plain, {"fragment": "1"}).content

"""Every personal-data model is scoped by role, in selectors, pages and the admin."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.http import Http404
from django.urls import reverse

from laktasi.mothers import selectors as ms
from laktasi.mothers.models import Baby, Companion, Consent
from laktasi.programs import selectors as ps
from laktasi.programs.models import Attendance, Enrollment
from laktasi.programs.services import attendance_record, program_create, session_create
from tests.conftest import PASSWORD

# Which of the three mothers (by posyandu) each role may see.
VISIBLE = {
    "admin": {"melati", "mawar", "kenanga"},
    "coordinator": {"melati"},
    "bidan": {"melati", "mawar"},
    "kader": {"melati"},
    "kader_mawar": {"mawar"},
    "viewer": set(),
}
ROLES = sorted(VISIBLE)


def _session_with_everyone(world):
    """Melati's mother attends the coordinator's program; the others attend another one."""
    other_program = program_create(
        title="Program lain",
        organiser="Puskesmas",
        kind="puskesmas_routine",
        facility=world.puskesmas,
        start_date="2025-02-01",
    )
    for program, keys in [(world.program, ["melati"]), (other_program, ["mawar", "kenanga"])]:
        session = session_create(
            program=program,
            starts_at="2025-01-25T09:00:00+07:00",
            venue="Balai desa",
            facilitator="Bidan",
            agenda=[("presentation", 30)],
        )
        for key in keys:
            attendance_record(session=session, mother=world.mothers[key], companion_present=False)


@pytest.mark.parametrize("role", ROLES)
def test_mother_list_and_get_follow_scope(world, role):
    user = world.users[role]
    names = {m.full_name for m in ms.mother_list(user=user)}
    assert names == {world.mothers[k].full_name for k in VISIBLE[role]}
    for key, mother in world.mothers.items():
        if key in VISIBLE[role]:
            assert ms.mother_get(user=user, pk=mother.pk) == mother
        else:
            with pytest.raises(Http404):
                ms.mother_get(user=user, pk=mother.pk)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("model", "list_selector", "get_selector"),
    [
        (Baby, ms.baby_list, ms.baby_get),
        (Companion, ms.companion_list, ms.companion_get),
        (Consent, ms.consent_list, ms.consent_get),
        (Attendance, ps.attendance_list, ps.attendance_get),
    ],
)
def test_records_of_a_mother_follow_her_scope(world, role, model, list_selector, get_selector):
    _session_with_everyone(world)
    user = world.users[role]
    visible_mothers = {world.mothers[k].pk for k in VISIBLE[role]}
    listed = list(list_selector(user=user))
    assert {row.mother_id for row in listed} <= visible_mothers
    for row in model.objects.all():
        if row.mother_id in visible_mothers and row in listed:
            assert get_selector(user=user, pk=row.pk) == row
        elif row.mother_id not in visible_mothers:
            with pytest.raises(Http404):
                get_selector(user=user, pk=row.pk)


@pytest.mark.parametrize("role", ROLES)
def test_enrollments_follow_scope(world, role):
    user = world.users[role]
    listed = {e.mother_id for e in ps.enrollment_list(user=user)}
    enrolled = set(Enrollment.objects.values_list("mother_id", flat=True))
    assert listed == enrolled & {world.mothers[k].pk for k in VISIBLE[role]}


@pytest.mark.parametrize("role", ROLES)
def test_mother_page_is_404_outside_scope(client, world, role):
    client.login(username=world.users[role].username, password=PASSWORD)
    for key, mother in world.mothers.items():
        response = client.get(reverse("mothers:detail", args=[mother.pk]))
        assert response.status_code == (200 if key in VISIBLE[role] else 404)
        if response.status_code == 404:
            assert mother.full_name.encode() not in response.content


@pytest.mark.parametrize("role", ROLES)
def test_mother_list_page_shows_only_scope(client, world, role):
    client.login(username=world.users[role].username, password=PASSWORD)
    response = client.get(reverse("mothers:list"))
    if role == "viewer":
        assert response.status_code == 404
        return
    for key, mother in world.mothers.items():
        assert (mother.full_name.encode() in response.content) == (key in VISIBLE[role])


def test_viewer_home_has_no_names(client, world):
    client.login(username="viewer", password=PASSWORD)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    for mother in world.mothers.values():
        assert mother.full_name.encode() not in response.content


def test_cadre_cannot_open_other_posyandu_mother_in_admin(client, world):
    kader = world.users["kader"]
    kader.is_staff = True
    kader.save()
    for codename in ["view_mother", "change_mother", "view_baby", "view_consent"]:
        kader.user_permissions.add(Permission.objects.get(codename=codename))
    client.login(username="kader", password=PASSWORD)
    own = reverse("admin:mothers_mother_change", args=[world.mothers["melati"].pk])
    other = reverse("admin:mothers_mother_change", args=[world.mothers["mawar"].pk])
    assert client.get(own).status_code == 200
    assert client.get(other).status_code == 404
    listing = client.get(reverse("admin:mothers_mother_changelist"))
    assert b"Siti Melati" in listing.content
    assert b"Dewi Mawar" not in listing.content
    # Form choices offer only facilities in her scope.
    form = client.get(own).context["adminform"].form
    assert set(form.fields["facility"].queryset) == {world.melati}

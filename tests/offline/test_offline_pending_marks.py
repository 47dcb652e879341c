"""Pages a phone caches mark their items with the form URL of each (data-offline-pending), so
offline-pending.js can say which ones already wait in the queue ("menunggu dikirim")."""

from __future__ import annotations

from datetime import datetime, time

import pytest
from django.urls import reverse
from django.utils import timezone

from laktasi.programs.services import session_create
from tests.conftest import PASSWORD
from tests.followups.helpers import new_baby, scheduled

pytestmark = pytest.mark.django_db


@pytest.fixture
def kader(client, world):
    assert client.login(username=world.users["kader"].username, password=PASSWORD)
    return client


def test_task_list_rows_name_their_visit_form(kader, world):
    visit = scheduled(new_baby(world.mothers["melati"], age_days=8))["d7"]
    page = kader.get(reverse("followups:tasks")).content.decode()
    record = reverse("followups:record", args=[visit.pk])
    assert f'data-visit="{visit.pk}" data-offline-pending="{record}"' in page
    assert "data-offline-pending-slot" in page


def test_attendance_rows_name_their_tick_url(kader, world):
    session = session_create(
        program=world.program,
        title="Sesi",
        starts_at=timezone.make_aware(datetime.combine(timezone.localdate(), time(9, 0))),
        venue="Posyandu",
        facilitator="Tim",
    )
    pk = world.mothers["melati"].pk
    page = kader.get(reverse("programs:session", args=[session.pk])).content.decode()
    tick = reverse("programs:attendance_toggle", args=[session.pk, pk])
    assert f'<td class="name" data-offline-pending="{tick}">' in page


def test_mother_page_names_her_test_and_consultation_forms(kader, world):
    pk = world.mothers["melati"].pk
    page = kader.get(reverse("mothers:detail", args=[pk])).content.decode()
    tests = reverse("instruments:choose", args=[pk])
    consultation = reverse("programs:consultation_add", args=[pk])
    assert f'data-offline-pending="{tests}" data-offline-pending-match="prefix"' in page
    assert f'data-offline-pending="{consultation}"' in page
    # Every test form of hers lives under the prefix the page names.
    assert reverse("instruments:fill", args=[pk, "knowledge_test", "post"]).startswith(tests)


def test_pages_load_the_pending_script(kader):
    page = kader.get(reverse("followups:tasks")).content.decode()
    assert "offline/offline-pending.js" in page

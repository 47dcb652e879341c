"""/healthz and /readyz: no login, no personal data, 503 with the failed check named."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from laktasi.jobs.models import PeriodicRun, WorkerHeartbeat
from laktasi.jobs.worker import beat

pytestmark = pytest.mark.django_db


def test_healthz_answers_without_login():
    reply = Client().get("/healthz")
    assert reply.status_code == 200
    assert reply.json() == {"status": "ok"}


def test_readyz_fails_until_a_worker_has_been_seen():
    reply = Client().get("/readyz")
    assert reply.status_code == 503
    checks = reply.json()["checks"]
    assert checks["database"]["ok"]
    assert checks["migrations"] == {"ok": True, "pending": 0}
    assert not checks["worker"]["ok"]


def test_readyz_is_ready_with_a_live_worker_on_a_new_installation():
    beat("test-worker")
    reply = Client().get("/readyz")
    assert reply.status_code == 200, reply.json()
    assert reply.json()["checks"]["nightly_refresh"]["detail"] == "never run"


def test_readyz_fails_when_the_worker_is_gone(settings):
    beat("test-worker")
    WorkerHeartbeat.objects.update(seen_at=timezone.now() - dt.timedelta(minutes=10))
    reply = Client().get("/readyz")
    assert reply.status_code == 503
    assert not reply.json()["checks"]["worker"]["ok"]


def test_readyz_fails_when_the_nightly_refresh_is_overdue():
    beat("test-worker")
    old = timezone.now() - dt.timedelta(hours=40)
    PeriodicRun.objects.create(name="nightly_refresh", period="2026-01-01", enqueued_at=old)
    reply = Client().get("/readyz")
    assert reply.status_code == 503
    assert reply.json()["checks"]["nightly_refresh"] == {"ok": False, "age_hours": 40.0}


def test_health_answers_carry_no_personal_data(world):
    beat("test-worker")
    body = Client().get("/readyz").content + Client().get("/healthz").content
    for mother in world.mothers.values():
        assert mother.full_name.encode() not in body
        assert mother.identifier.encode() not in body

"""Metrics behind a setting and an allow-list; request ids in responses and log lines; JSON
logs; the administrators' jobs page."""

from __future__ import annotations

import io
import json
import logging
import logging.config

import pytest
from django.conf import settings as django_settings
from django.test import Client

from laktasi.jobs import metrics, tasks
from laktasi.jobs.worker import LaktasiWorker
from tests.web.helpers import client_for

pytestmark = pytest.mark.django_db


def test_metrics_are_off_by_default(settings):
    settings.LAKTASI_METRICS = False
    assert Client().get("/metrics").status_code == 404


def test_metrics_only_for_allowed_addresses(settings):
    settings.LAKTASI_METRICS = True
    settings.LAKTASI_METRICS_ALLOW = ["127.0.0.1"]
    metrics.connect()
    tasks.probe.enqueue()
    allowed = Client(REMOTE_ADDR="127.0.0.1").get("/metrics")
    assert allowed.status_code == 200
    body = allowed.content.decode()
    assert "laktasi_jobs_queue_length 1.0" in body
    assert Client(REMOTE_ADDR="10.1.2.3").get("/metrics").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_metrics_count_job_durations_and_failures(settings):
    settings.LAKTASI_METRICS = True
    metrics.connect()
    tasks.probe.enqueue()
    LaktasiWorker(interval=0, max_tasks=1, worker_id="m1").run()
    body = Client(REMOTE_ADDR="127.0.0.1").get("/metrics").content.decode()
    assert 'laktasi_job_duration_seconds_count{task="probe"}' in body


def test_every_response_has_a_request_id_and_a_forged_one_is_replaced():
    plain = Client().get("/healthz")
    assert len(plain["X-Request-ID"]) == 32
    kept = Client().get("/healthz", headers={"X-Request-ID": "proxy-abc-123"})
    assert kept["X-Request-ID"] == "proxy-abc-123"
    forged = Client().get("/healthz", headers={"X-Request-ID": "x\nINJECTED log line"})
    assert "INJECTED" not in forged["X-Request-ID"]


def test_json_logs_carry_the_request_id():
    stream = io.StringIO()
    config = dict(django_settings.LOGGING)
    config["handlers"] = {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["request_id"],
            "stream": stream,
        }  # fmt: skip
    }
    logging.config.dictConfig(config)
    try:
        Client().get("/tidak-ada/", headers={"X-Request-ID": "req-42"})
    finally:
        logging.config.dictConfig(django_settings.LOGGING)
    lines = [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]
    warning = next(line for line in lines if line["logger"] == "django.request")
    assert warning["request_id"] == "req-42"
    assert warning["level"] == "WARNING"


def test_only_administrators_see_the_jobs_page(world):
    tasks.probe.enqueue()
    assert client_for(world.users["admin"]).get("/pekerjaan/").status_code == 200
    for role in ("coordinator", "bidan", "kader", "viewer"):
        assert client_for(world.users[role]).get("/pekerjaan/").status_code == 404


def test_registering_the_queue_collector_reads_no_table_before_migrate(
    django_assert_num_queries,
):
    """LAKTASI_METRICS=true must not query the queue at start-up (`migrate` runs first)."""
    from prometheus_client import CollectorRegistry

    with django_assert_num_queries(0):
        CollectorRegistry(auto_describe=True).register(metrics.QueueCollector())

"""Prometheus metrics (``LAKTASI_METRICS=true``), served at ``/metrics`` only to the addresses
in ``LAKTASI_METRICS_ALLOW``.

django-prometheus gives request latency per view; laktasi adds the queue length, running tasks,
task durations and failures by task name, and the age of the newest worker heartbeat. Labels are
task and view names, never data.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django_tasks.base import TaskResultStatus
from django_tasks.signals import task_finished
from django_tasks_db.models import DBTaskResult
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily

from laktasi.jobs.models import WorkerHeartbeat

PREFIX = "laktasi_"
_connected = False


def enabled() -> bool:
    return bool(getattr(settings, "LAKTASI_METRICS", False))


def client_allowed(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(
        ip in ipaddress.ip_network(net, strict=False) for net in settings.LAKTASI_METRICS_ALLOW
    )


class QueueCollector:
    """Read at scrape time, from the queue table (so every process reports the same)."""

    def describe(self):
        # Registering calls describe(), or collect() when there is none: without it, the
        # queue table would be read at start-up, before `migrate` has created it.
        for name in ("jobs_queue_length", "jobs_running", "worker_heartbeat_age_seconds"):
            yield GaugeMetricFamily(PREFIX + name, "")

    def collect(self):
        ready = DBTaskResult.objects.ready().count()
        running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).count()
        yield GaugeMetricFamily(PREFIX + "jobs_queue_length", "Tasks waiting to run.", ready)
        yield GaugeMetricFamily(PREFIX + "jobs_running", "Tasks running now.", running)
        latest = WorkerHeartbeat.objects.order_by("-seen_at").first()
        age = (timezone.now() - latest.seen_at).total_seconds() if latest else float("nan")
        yield GaugeMetricFamily(PREFIX + "worker_heartbeat_age_seconds",
                                "Seconds since a worker was last seen.", age)  # fmt: skip


_durations = None
_failures = None


def _on_finished(sender, task_result, **kwargs):
    name = task_result.task.name
    if task_result.started_at and task_result.finished_at:
        seconds = (task_result.finished_at - task_result.started_at).total_seconds()
        _durations.labels(task=name).observe(seconds)
    if task_result.status == TaskResultStatus.FAILED:
        _failures.labels(task=name).inc()


def connect() -> None:
    """Register the collectors and signal handlers once, when metrics are on."""
    global _connected, _durations, _failures
    if _connected or not enabled():
        return
    REGISTRY.register(QueueCollector())
    _durations = Histogram(PREFIX + "job_duration_seconds", "Task run time.", ["task"])
    _failures = Counter(PREFIX + "job_failures", "Tasks that failed.", ["task"])
    task_finished.connect(_on_finished, dispatch_uid="laktasi-metrics")
    _connected = True


@never_cache
def metrics_view(request):
    if not enabled():
        raise Http404
    if not client_allowed(request.META.get("REMOTE_ADDR", "")):
        raise Http404
    return HttpResponse(generate_latest(REGISTRY), content_type=CONTENT_TYPE_LATEST)

"""``laktasi worker``: run background tasks and periodic jobs (several may run on several
hosts against one database)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from laktasi.jobs.worker import LaktasiWorker


class Command(BaseCommand):
    help = "Run queued background tasks and enqueue periodic jobs (nightly refresh)."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=1.0,
                            help="seconds to wait when the queue is empty")  # fmt: skip
        parser.add_argument("--max-tasks", type=int, default=None,
                            help="exit after this many tasks (for tests and cron-style use)")  # fmt: skip
        parser.add_argument("--worker-id", default=None)

    def handle(self, *args, interval: float, max_tasks: int | None, worker_id, **options):
        worker = LaktasiWorker(interval=interval, max_tasks=max_tasks, worker_id=worker_id)
        worker.configure_signals()
        self.stdout.write(f"laktasi worker {worker.worker_id}: waiting for tasks (Ctrl+C stops)")
        worker.run()

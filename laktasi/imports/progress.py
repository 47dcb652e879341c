"""Where a running import tells the web page how far it is.

A commit writes inside one database transaction, so nothing it writes to the database is
visible before it ends. Progress therefore goes to a small JSON file beside the uploaded
file (``MEDIA_ROOT/imports/<token>.progress.json``), which every web process on the machine
can read. The file's age is the import's heartbeat: a running job whose file has not
changed for ``STALE_SECONDS`` was stopped with its process (and, being all-or-nothing,
wrote nothing). It holds counts only, never a row's content.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

STALE_SECONDS = 15 * 60
WRITE_EVERY_SECONDS = 0.5


@dataclass(frozen=True)
class Progress:
    task: str  # "preview" or "commit"
    stage: str  # "queued" (waiting for a worker), "checking" (reading rows) or "writing"
    done: int
    total: int
    age_seconds: float

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0

    @property
    def stale(self) -> bool:
        return self.age_seconds > STALE_SECONDS


def progress_path(token) -> Path:
    return Path(settings.MEDIA_ROOT) / "imports" / f"{token}.progress.json"


def progress_write(token, *, task: str, stage: str, done: int = 0, total: int = 0) -> None:
    """Replace the progress file atomically (a reader never sees half a file)."""
    path = progress_path(token)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps({"task": task, "stage": stage, "done": done, "total": total}))
    os.replace(tmp, path)


def progress_read(token) -> Progress | None:
    path = progress_path(token)
    try:
        data = json.loads(path.read_text())
        age = time.time() - path.stat().st_mtime
    except (OSError, ValueError):
        return None
    return Progress(
        task=str(data.get("task", "")),
        stage=str(data.get("stage", "")),
        done=int(data.get("done", 0)),
        total=int(data.get("total", 0)),
        age_seconds=age,
    )


def progress_clear(token) -> None:
    progress_path(token).unlink(missing_ok=True)


class ProgressReporter:
    """Callbacks for ``importjob_commit``: count written rows, write the file at most twice a
    second (and always at a stage change)."""

    def __init__(self, token, task: str, *, stage: str = "checking"):
        self.token, self.task = token, task
        self.stage, self.done, self.total = stage, 0, 0
        self._written_at = 0.0
        self._write(force=True)

    def on_plan(self, plan) -> None:
        self.stage, self.total = "writing", len(plan.creates) + len(plan.updates)
        self._write(force=True)

    def __call__(self, rows: int) -> None:
        self.done += rows
        self._write(force=self.done >= self.total)

    def _write(self, *, force: bool = False) -> None:
        now = time.monotonic()
        if force or now - self._written_at >= WRITE_EVERY_SECONDS:
            progress_write(
                self.token, task=self.task, stage=self.stage, done=self.done, total=self.total
            )
            self._written_at = now

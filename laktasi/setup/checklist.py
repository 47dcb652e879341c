"""The first-day checklist an administrator sees on the home page until setup is done.

Each step is read from the data, never ticked by hand: a puskesmas with a posyandu, staff who
accepted their invitation, a first (non-demo) program and its first session, and a recent
backup. "Backups configured" means a backup file written by ``laktasi backup`` in
``var/backups/`` within the last ``BACKUP_MAX_AGE_HOURS``: laktasi keeps no record of backups
written elsewhere, so a cron job writing to another directory is not seen (docs/setup.md).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from laktasi.accounts.models import Role, User
from laktasi.places.models import Facility, FacilityKind
from laktasi.programs.models import Program, Session

BACKUP_MAX_AGE_HOURS = 48
BACKUP_PATTERNS = ("laktasi-*.gz", "laktasi-*.gz.enc")


@dataclass(frozen=True)
class Step:
    key: str
    title: str
    done: bool
    url_name: str
    hint: str = ""


@dataclass(frozen=True)
class Checklist:
    steps: tuple[Step, ...]

    @property
    def done(self) -> bool:
        return all(step.done for step in self.steps)

    @property
    def done_count(self) -> int:
        return sum(step.done for step in self.steps)


def backup_dir() -> Path:
    return Path(settings.VAR_DIR) / "backups"


def latest_backup_age_hours() -> float | None:
    """Hours since the newest backup file in var/backups/, or None when there is none."""
    folder = backup_dir()
    if not folder.is_dir():
        return None
    times = [p.stat().st_mtime for pattern in BACKUP_PATTERNS for p in folder.glob(pattern)]
    return (time.time() - max(times)) / 3600 if times else None


def setup_checklist() -> Checklist:
    """The five first-day steps and whether each is done."""
    has_posyandu = Facility.objects.filter(
        kind=FacilityKind.POSYANDU, puskesmas__isnull=False
    ).exists()
    staff = User.objects.filter(
        is_active=True, is_demo=False, role__in=[Role.MIDWIFE, Role.CADRE]
    ).exists()
    programs = Program.objects.filter(is_demo=False)
    age = latest_backup_age_hours()
    return Checklist(
        steps=(
            Step("facility", str(_("A puskesmas and its posyandu")), has_posyandu,
                 "setup:facility_new"),
            Step("staff", str(_("Staff invited and signed in (a bidan or kader)")), staff,
                 "setup:staff"),
            Step("program", str(_("A first program")), programs.exists(), "setup:program_new"),
            Step("session", str(_("A first session")),
                 Session.objects.filter(program__in=programs).exists(), "programs:list"),
            Step("backup", str(_("Backups configured (a backup in the last 48 hours)")),
                 age is not None and age <= BACKUP_MAX_AGE_HOURS, "setup:index",
                 str(_("Run 'laktasi backup' nightly from cron; see docs/setup.md."))),
        )
    )  # fmt: skip

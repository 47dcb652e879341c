"""Writes for places: loading the region list, registering facilities, moving staff."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from laktasi.accounts.models import Role, SecurityAction
from laktasi.accounts.services import security_event_record
from laktasi.places.models import Facility, FacilityKind, Region

BATCH = 5000


@dataclass(frozen=True)
class RegionLoadResult:
    read: int
    created: int
    updated: int
    unchanged: int


class RegionFileError(ValueError):
    """The region file is malformed; nothing was written."""


def _parse_regions(path: Path) -> list[tuple[str, str, int]]:
    rows: list[tuple[str, str, int]] = []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header != ["code", "name"]:
            raise RegionFileError(f"{path}: expected header 'code,name', got {header!r}")
        for line_no, row in enumerate(reader, start=2):
            if len(row) != 2 or not row[0].strip() or not row[1].strip():
                raise RegionFileError(f"{path}:{line_no}: expected 'code,name', got {row!r}")
            code, name = row[0].strip(), row[1].strip()
            parts = code.split(".")
            if len(parts) > 4 or not all(part.isdigit() for part in parts):
                raise RegionFileError(f"{path}:{line_no}: invalid region code {code!r}")
            rows.append((code, name, len(parts)))
    rows.sort(key=lambda row: (row[2], row[0]))
    return rows


def regions_load(*, path: Path | None = None) -> RegionLoadResult:
    """Load or refresh all regions from the Kemendagri CSV, idempotently, in one transaction.

    Parents are inserted before children (sorted by level), so the self-reference always
    resolves. Rows that already exist with the same name are left untouched.
    """
    path = Path(path or settings.WILAYAH_CSV)
    rows = _parse_regions(path)
    existing = dict(Region.objects.values_list("code", "name"))
    codes = {code for code, _, _ in rows}
    to_create: list[Region] = []
    to_update: list[Region] = []
    for code, name, level in rows:
        parent = code.rsplit(".", 1)[0] if level > 1 else None
        if parent is not None and parent not in codes and parent not in existing:
            raise RegionFileError(f"{path}: region {code} has no parent {parent}")
        region = Region(code=code, name=name, level=level, parent_id=parent)
        if code not in existing:
            to_create.append(region)
        elif existing[code] != name:
            to_update.append(region)
    with transaction.atomic():
        Region.objects.bulk_create(to_create, batch_size=BATCH)
        Region.objects.bulk_update(to_update, ["name"], batch_size=BATCH)
    return RegionLoadResult(
        read=len(rows),
        created=len(to_create),
        updated=len(to_update),
        unchanged=len(rows) - len(to_create) - len(to_update),
    )


def facility_create(*, kind: str, name: str, village: Region, **fields) -> Facility:
    """Register a facility after full validation."""
    facility = Facility(kind=kind, name=name, village=village, **fields)
    facility.full_clean()
    facility.save()
    return facility


def staff_move(*, user, to: Facility, by) -> None:
    """Move a kader to another posyandu: she leaves every posyandu she was on and joins ``to``
    (her puskesmas, if any, stays). Logged in the security log, as her scope changes."""
    if not by.is_administrator:
        raise PermissionDenied("only administrators move staff")
    if user.role != Role.CADRE:
        raise ValidationError(_("Only a kader is moved between posyandu."))
    if to.kind != FacilityKind.POSYANDU:
        raise ValidationError(_("Choose a posyandu."))
    old = list(user.facilities.filter(kind=FacilityKind.POSYANDU).values_list("pk", flat=True))
    if old == [to.pk]:
        return
    with transaction.atomic():
        for facility in Facility.objects.filter(pk__in=old):
            facility.staff.remove(user)
        to.staff.add(user)
        security_event_record(
            action=SecurityAction.STAFF_MOVED,
            user=user,
            actor=by,
            detail=f"from={','.join(map(str, old)) or '-'} to={to.pk}",
        )

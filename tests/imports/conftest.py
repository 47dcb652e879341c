"""Import test helpers: Kobo/ODK-style exports built from the real XLSForm definitions."""

from __future__ import annotations

import csv
import random
import uuid
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from laktasi.imports.importers.base import Plan
from laktasi.imports.models import ImportJob
from laktasi.imports.services import importjob_commit, importjob_create, importjob_preview
from laktasi.instruments import registry
from laktasi.instruments.xlsform import build_sheets

FIXTURES = Path(__file__).parent / "fixtures"
ID_LABEL = "label::Indonesian (id)"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def answer_for(definition, item, rng: random.Random) -> Any:
    if item.type in ("true_false", "yes_no", "sign", "select_one"):
        return rng.choice(item.choice_names)
    if item.type == "select_multiple":
        plain = [c.name for c in item.choices if not c.exclusive]
        return [rng.choice(plain)]
    if item.type == "step":
        return rng.randint(0, definition.scoring["top_level"])
    if item.type == "likert":
        return rng.randint(definition.scale_min, definition.scale_max)
    if item.type == "integer":
        return rng.randint(item.min, item.max)
    return "catatan"


def _export_header(definition, labels: bool, split_multiple: bool, flavour: str):
    """(header, what each column holds, choice labels) of an export, in the tools' order."""
    sheets = build_sheets(definition, langs=("id", "en"))
    survey = [r for r in sheets["survey"] if r["type"] != "note"]
    choice_label = {(c["list_name"], c["name"]): c[ID_LABEL] for c in sheets["choices"]}
    sep = "/" if flavour == "kobo" else "-"
    header: list[str] = ["start", "end"] if flavour == "kobo" else ["SubmissionDate"]
    columns: list[tuple[str, Any]] = []
    for row in survey:
        name, typ = row["name"], row["type"]
        shown = row[ID_LABEL] if labels else name
        path = (
            shown if name in ("mother_id", "timepoint", "followup_number") else f"grp{sep}{shown}"
        )
        if typ.startswith("select_multiple") and split_multiple:
            list_name = typ.split()[1]
            for choice in definition.item(name).choice_names:
                sub = choice_label[(list_name, choice)] if labels else choice
                header.append(f"{path}/{sub}")
                columns.append(("choice", (name, choice)))
            continue
        header.append(path)
        columns.append(("field", (name, typ)))
    if flavour == "kobo":
        header += ["meta/instanceID", "_id", "_uuid", "_submission_time", "_validation_status"]
    else:
        header += ["meta-instanceID", "KEY", "SubmitterName", "ReviewState"]
    return header, columns, choice_label


def kobo_export(
    instrument_id: str,
    submissions: list[dict[str, Any]],
    *,
    labels: bool = False,
    split_multiple: bool = False,
    flavour: str = "kobo",
    seed: int = 1,
) -> tuple[list[str], list[list[Any]], list[dict[str, Any]]]:
    """Header and rows as KoboToolbox (or ODK Central) would export them.

    ``submissions`` give mother_id, timepoint and optionally followup_number/uuid/answers;
    missing answers are drawn at random. Returns (header, rows, submissions with answers).
    """
    rng = random.Random(seed)
    definition = registry.get(instrument_id)
    header, columns, choice_label = _export_header(definition, labels, split_multiple, flavour)
    rows, out = [], []
    for n, sub in enumerate(submissions, start=1):
        answers = sub.get("answers") or {
            it.id: answer_for(definition, it, rng) for it in definition.items
        }
        sid = sub.get("uuid") or uuid.UUID(int=rng.getrandbits(128))
        values = {"mother_id": sub["mother_id"], "timepoint": sub["timepoint"],
                  "followup_number": sub.get("followup_number", ""), **answers}  # fmt: skip
        row: list[Any] = (
            ["2025-01-25T08:00:00.000+07:00", "2025-01-25T08:20:00.000+07:00"]
            if flavour == "kobo"
            else ["2025-01-25T01:30:00.000Z"]
        )
        for kind, spec in columns:
            if kind == "choice":
                name, choice = spec
                row.append("1" if choice in (answers.get(name) or []) else "0")
                continue
            name, typ = spec
            value = values.get(name, "")
            if isinstance(value, list):
                value = " ".join(value)
            if labels and (typ.split() + [""])[1] and value not in ("", None):
                list_name = typ.split()[1]
                if typ.startswith("select_multiple"):
                    value = " ".join(value.split())
                else:
                    value = choice_label.get((list_name, str(value)), value)
            row.append(value)
        if flavour == "kobo":
            row += [f"uuid:{sid}", n, str(sid), "2025-01-25T01:21:00", ""]
        else:
            row += [f"uuid:{sid}", f"uuid:{sid}", "kader", ""]
        rows.append(row)
        out.append({**sub, "uuid": sid, "answers": answers})
    return header, rows, out


def write_csv(path: Path, header, rows, *, delimiter=",", encoding="utf-8-sig") -> Path:
    with path.open("w", newline="", encoding=encoding) as fh:
        writer = csv.writer(fh, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_xlsx(path: Path, header, rows, *, above: list[list[Any]] = ()) -> Path:
    wb = Workbook()
    ws = wb.active
    for row in above:
        ws.append(row)
    ws.append(header)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def run_import(
    path: Path, *, user=None, commit=True, valid_only=False, **kwargs
) -> tuple[ImportJob, Plan]:
    job = importjob_create(path=path, file_name=path.name, user=user, **kwargs)
    plan = importjob_preview(job=job)
    if commit:
        plan = importjob_commit(job=job, valid_only=valid_only)
        job.refresh_from_db()
    return job, plan

"""Google-Forms-shaped exports for the tests, built from laktasi's own item texts.

The shape of Google Forms' "Download responses (.csv)" (documented in
laktasi/imports/mapping/googleforms.py): ``Timestamp`` first (``2026/11/03 9:15:02 AM GMT+7``),
then ``Email address`` when the form collects emails, ``Score`` (``20 / 25``) for a quiz,
then one column per question headed by its full text; a checkbox answer joins the chosen
labels with ", ". The linked Sheet downloaded as .xlsx has the same header with the timestamp
as a date-time cell.
"""

from __future__ import annotations

import csv
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from laktasi.instruments import registry

TRUE_FALSE = {"true": "Benar", "false": "Salah"}


def knowledge_rows(answers_by_mother: dict[str, dict[str, str]], *, quiz_points=None):
    """(header, rows) of a knowledge-test Google Form: question headers are the Indonesian
    item texts numbered "1. …"; answers Benar/Salah. ``answers_by_mother`` maps a laktasi
    ID to {item id: "true"/"false"} (an absent item is left blank)."""
    definition = registry.get("knowledge_test")
    header = ["Timestamp", "Email address", "Score", "ID laktasi ibu", "Nama ibu"]
    header += [f"{n}. {it.label.id}" for n, it in enumerate(definition.items, start=1)]
    rows = []
    for minute, (identifier, answers) in enumerate(answers_by_mother.items()):
        correct = sum(
            1 for it in definition.items if answers.get(it.id) == ("true" if it.key else "false")
        )
        points = quiz_points(correct) if quiz_points else correct
        row: list[Any] = [
            (datetime(2026, 11, 3, 9, 15, 2) + timedelta(minutes=minute)).strftime(
                "%Y/%m/%d %-I:%M:%S %p GMT+7"
            ),
            f"ibu{minute}@example.org",
            f"{points} / {len(definition.items)}",
            identifier,
            "Siti",
        ]
        row += [TRUE_FALSE.get(answers.get(it.id, ""), "") for it in definition.items]
        rows.append(row)
    return header, rows


def all_correct(definition_id: str = "knowledge_test") -> dict[str, str]:
    definition = registry.get(definition_id)
    return {it.id: "true" if it.key else "false" for it in definition.items}


def write_forms_csv(path: Path, header, rows) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_forms_xlsx(path: Path, header, rows) -> Path:
    """The linked Sheet as .xlsx: the timestamp is a date-time cell (sheet time, no zone)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Form Responses 1"
    ws.append(header)
    for row in rows:
        stamp = datetime.strptime(row[0].replace(" GMT+7", ""), "%Y/%m/%d %I:%M:%S %p")
        ws.append([stamp, *row[1:]])
    wb.save(path)
    return path

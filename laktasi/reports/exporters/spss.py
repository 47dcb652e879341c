"""SPSS .sav with variable and value labels (pyreadstat), one row per mother and timepoint."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import pyreadstat

from laktasi.reports.document import Report
from laktasi.reports.exporters.base import filename


def frame(report: Report) -> pd.DataFrame:
    columns = {}
    for i, v in enumerate(report.data.variables):
        values = [row[i] for row in report.data.rows]
        if v.kind == "string":
            columns[v.name] = pd.Series(["" if x is None else str(x) for x in values], dtype=object)
        else:
            columns[v.name] = pd.Series(
                [float("nan") if x is None else float(x) for x in values], dtype="float64"
            )
    return pd.DataFrame(columns)


def render(report: Report, *, lang: str) -> tuple[str, str, bytes]:
    df = frame(report)
    variables = report.data.variables
    labels = [v.label[:250] for v in variables]
    value_labels = {
        v.name: {float(code): label[:120] for code, label in v.value_labels}
        for v in variables
        if v.value_labels
    }
    measure = {
        v.name: ("nominal" if v.value_labels or v.kind == "string" else "scale") for v in variables
    }
    formats = {v.name: "F8.0" for v in variables if v.kind == "int"}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "report.sav"
        pyreadstat.write_sav(
            df,
            str(path),
            column_labels=labels,
            variable_value_labels=value_labels,
            variable_measure=measure,
            variable_format=formats,
            file_label=f"laktasi: {report.program_title}"[:64],
        )
        content = path.read_bytes()
    return filename(report, "sav"), "application/x-spss-sav", content

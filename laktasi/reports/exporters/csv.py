"""Tidy CSV with its codebook, zipped: data.csv (one row per mother and timepoint),
codebook.csv (variable, label, type, values) and README.txt."""

from __future__ import annotations

import csv as csvlib
import io
import zipfile

from django.utils.translation import gettext as _

from laktasi.reports.document import Report
from laktasi.reports.exporters.base import filename, safe_text

# a fixed date inside the zip, so the same report gives the same bytes
ZIP_DATE = (2020, 1, 1, 0, 0, 0)


def _csv(rows) -> bytes:
    buf = io.StringIO()
    writer = csvlib.writer(buf, lineterminator="\r\n")
    for row in rows:
        writer.writerow(
            ["" if v is None else (safe_text(v) if isinstance(v, str) else v) for v in row]
        )
    return buf.getvalue().encode("utf-8-sig")


def render(report: Report, *, lang: str) -> tuple[str, str, bytes]:
    variables = report.data.variables
    data = _csv([[v.name for v in variables], *report.data.rows])
    codebook = _csv(
        [[_("variable"), _("label"), _("type"), _("values")]]
        + [
            [v.name, v.label, v.kind, "; ".join(f"{c} = {lab}" for c, lab in v.value_labels)]
            for v in variables
        ]
    )
    readme = "\r\n".join(
        [
            f"{report.title}: {report.subtitle}",
            report.labels["deidentified"],
            _(
                "data.csv: one row per mother and timepoint (UTF-8, comma-separated, empty = missing)."
            ),
            _("codebook.csv: the meaning of every column and of its codes."),
        ]
    ).encode("utf-8")
    out = io.BytesIO()
    stem = filename(report, "csv").removesuffix(".csv")
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in (
            ("data.csv", data),
            ("codebook.csv", codebook),
            ("README.txt", readme),
        ):
            zf.writestr(
                zipfile.ZipInfo(f"{stem}/{name}", ZIP_DATE),
                content,
                compress_type=zipfile.ZIP_DEFLATED,
            )
    return f"{stem}.zip", "application/zip", out.getvalue()

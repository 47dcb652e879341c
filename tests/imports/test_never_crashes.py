"""Hypothesis: whatever the file holds, the importer reports row errors and the counts add up."""

from __future__ import annotations

import csv
import io
import itertools
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from laktasi.imports.models import ImportJob
from laktasi.imports.services import importjob_commit, importjob_create, importjob_plan

pytestmark = pytest.mark.django_db
COUNTER = itertools.count()

KNOWN = ["mother_id", "nik", "timepoint", "followup_number", "meta/instanceID", "_uuid",
         "grp/k01_ebf_definition", "k02_medicines_ors_allowed", "full_name", "nama", "birth_date",
         "parity", "row_id", "session_date", "companion_present", "baby_birth_date",
         "prelacteal_types/water", "_submission_time", "observer", "Nama Ibu"]  # fmt: skip
cells = st.one_of(
    st.sampled_from(["", " ", "pre", "post", "followup", "true", "Benar", "3.52E+15",
                     "3523120101950001", "LK-ABCD2345", "25/01/2025", "45682", "=1+1", "@x",
                     "uuid:0f6c8a4e-7d61-4c3e-9b0a-2a1e3c4d5e01", "ya", "1,5", "-3", "99999"]),
    st.text(max_size=12),
)  # fmt: skip
headers = st.lists(st.one_of(st.sampled_from(KNOWN), st.text(max_size=10)), min_size=1, max_size=8)
SETTINGS = settings(max_examples=int(os.environ.get("LAKTASI_HYPOTHESIS_EXAMPLES", "60")), deadline=None, derandomize=not os.environ.get("LAKTASI_HYPOTHESIS_EXAMPLES"),
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])  # fmt: skip


def check(world, tmp_path, data: bytes, suffix: str, kind: str):
    path = tmp_path / f"h{next(COUNTER)}{suffix}"
    path.write_bytes(data)
    job = importjob_create(path=path, file_name=path.name, user=None, kind=kind,
                           program=world.program, facility=world.melati)  # fmt: skip
    plan = importjob_plan(job=job)
    c = plan.counts
    assert c["created"] + c["updated"] + c["skipped"] + c["rejected"] == c["rows_read"]
    assert all(e.row > 0 and e.message for e in plan.errors)
    importjob_commit(job=job, valid_only=True)
    job = ImportJob.objects.get(pk=job.pk)
    assert job.created + job.updated + job.skipped + job.rejected == job.rows_read


@SETTINGS
@given(header=headers, rows=st.lists(st.lists(cells, max_size=9), max_size=6),
       delimiter=st.sampled_from([",", ";", "\t"]),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]),
       kind=st.sampled_from(["auto", "responses", "mothers", "attendance"]))  # fmt: skip
def test_any_csv_is_reported_not_crashed(world, tmp_path, header, rows, delimiter, encoding, kind):
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    data = buf.getvalue().encode(encoding, errors="replace")
    check(world, tmp_path, data, ".csv", kind)


@SETTINGS
@given(header=headers, rows=st.lists(st.lists(cells, max_size=9), max_size=5),
       kind=st.sampled_from(["auto", "responses", "mothers"]))  # fmt: skip
def test_any_xlsx_is_reported_not_crashed(world, tmp_path, header, rows, kind):
    wb = Workbook()
    clean = str.maketrans("", "", "".join(map(chr, range(32))))
    wb.active.append([h.translate(clean) for h in header])
    for row in rows:
        wb.active.append([c.translate(clean) for c in row])
    buf = io.BytesIO()
    wb.save(buf)
    check(world, tmp_path, buf.getvalue(), ".xlsx", kind)


@SETTINGS
@given(data=st.binary(max_size=300))
def test_any_bytes_are_reported_not_crashed(world, tmp_path, data):
    check(world, tmp_path, data, ".csv", "auto")

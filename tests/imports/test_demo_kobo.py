"""Done-when: a KoboToolbox-style export of the demo's knowledge test imports, re-imports
with zero changes."""

from __future__ import annotations

import pytest

from laktasi.accounts.models import User
from laktasi.demo.loader import PROGRAM_TITLE, demo_load
from laktasi.imports.models import ImportStatus
from laktasi.instruments.models import Response
from laktasi.programs.models import Program
from tests.imports.conftest import kobo_export, run_import, write_csv, write_xlsx

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_kobo_export_of_the_demo_knowledge_test_imports_and_reimports_unchanged(tmp_path):
    demo_load()
    program = Program.objects.get(title=PROGRAM_TITLE)
    kader = User.objects.get(username="demo-kader")
    stored = list(
        Response.objects.filter(instrument_id="knowledge_test", program=program)
        .select_related("mother")
        .order_by("pk")
    )
    assert len(stored) == 30
    expected = {r.submission_uuid: (r.score_pct, r.category, r.answers) for r in stored}
    submissions = [
        {
            "mother_id": r.mother.identifier,
            "timepoint": r.timepoint,
            "uuid": r.submission_uuid,
            "answers": r.answers,
        }  # fmt: skip
        for r in stored
    ]
    header, rows, _ = kobo_export("knowledge_test", submissions)
    csv_path = write_csv(tmp_path / "kobo_knowledge_test.csv", header, rows)
    xlsx_path = write_xlsx(tmp_path / "kobo_knowledge_test.xlsx", header, rows)

    # Already in laktasi (same submission UUIDs): skipped, nothing duplicated.
    job, _ = run_import(csv_path, user=kader, program=program)
    assert (job.rows_read, job.skipped, job.created, job.rejected) == (30, 30, 0, 0)

    # A laktasi without those responses takes them in, scored exactly as before.
    Response.objects.filter(pk__in=[r.pk for r in stored]).delete()
    job, _ = run_import(xlsx_path, user=kader, program=program)
    assert job.status == ImportStatus.COMMITTED, job.errors
    assert (job.rows_read, job.created, job.rejected) == (30, 30, 0)
    got = Response.objects.filter(instrument_id="knowledge_test", program=program)
    assert {r.submission_uuid: (r.score_pct, r.category, r.answers) for r in got} == expected
    snapshot = list(got.order_by("pk").values_list("pk", "updated_at", "category"))

    for path in (csv_path, xlsx_path):
        job, _ = run_import(path, user=kader, program=program)
        assert (job.created, job.updated, job.skipped, job.rejected) == (0, 0, 30, 0)
    assert list(got.order_by("pk").values_list("pk", "updated_at", "category")) == snapshot

"""KoboToolbox / ODK Central exports of laktasi's XLSForms, and the response template."""

from __future__ import annotations

import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation
from openpyxl import load_workbook

from laktasi.imports.exports import rejected_rows_render
from laktasi.imports.models import ImportStatus
from laktasi.imports.storage import file_bytes
from laktasi.instruments import registry
from laktasi.instruments.models import Response, Source
from laktasi.instruments.services import response_record
from laktasi.mothers.services import consent_record
from tests.imports.conftest import kobo_export, run_import, write_csv, write_xlsx

pytestmark = pytest.mark.django_db


def subs(world, *timepoints):
    melati = world.mothers["melati"].identifier
    return [{"mother_id": melati, "timepoint": tp} for tp in timepoints]


def test_kobo_csv_export_imports_scores_and_reimports_with_no_change(world, tmp_path):
    header, rows, sent = kobo_export("knowledge_test", subs(world, "pre", "post"))
    path = write_csv(tmp_path / "kobo.csv", header, rows)
    job, plan = run_import(path, program=world.program)
    assert job.status == ImportStatus.COMMITTED
    assert (job.rows_read, job.created, job.skipped, job.rejected) == (2, 2, 0, 0)
    stored = Response.objects.get(submission_uuid=sent[0]["uuid"])
    assert stored.source == Source.ODK
    assert stored.program == world.program
    assert stored.instrument_id == "knowledge_test"
    assert stored.score_pct is not None
    assert stored.category
    assert stored.collected_at.isoformat().startswith("2025-01-25T01:20")
    before = list(Response.objects.values_list("pk", "updated_at"))
    job2, _plan = run_import(path, program=world.program)
    assert (job2.rows_read, job2.created, job2.updated, job2.skipped) == (2, 0, 0, 2)
    assert list(Response.objects.values_list("pk", "updated_at")) == before


@pytest.mark.parametrize("instrument_id", sorted(registry.load_all()))
def test_imported_answers_and_scores_equal_the_web_path(world, tmp_path, instrument_id):
    """The importer's fast path (values converted once per distinct cell, JSON written
    directly, the rule's JSON spliced in) stores exactly what recording on the web does."""
    header, rows, sent = kobo_export(instrument_id, subs(world, "pre"), seed=7)
    job, _plan = run_import(write_csv(tmp_path / "k.csv", header, rows), program=world.program)
    assert job.created == 1, job.errors
    imported = Response.objects.get()
    imported_values = (imported.answers, imported.score_pct, imported.category,
                       imported.complete, imported.details)  # fmt: skip
    imported.delete()
    direct, _ = response_record(
        mother=world.mothers["melati"], instrument_id=instrument_id, timepoint="pre",
        answers=sent[0]["answers"], collected_by=None, program=world.program,
    )  # fmt: skip
    direct.refresh_from_db()
    assert imported_values == (
        direct.answers,
        direct.score_pct,
        direct.category,
        direct.complete,
        direct.details,
    )


def test_kobo_xlsx_with_indonesian_labels_in_header_and_values(world, tmp_path):
    header, rows, sent = kobo_export("knowledge_test", subs(world, "pre"), labels=True)
    assert "Benar" in rows[0] or "Salah" in rows[0]
    job, _ = run_import(write_xlsx(tmp_path / "kobo.xlsx", header, rows), program=world.program)
    assert (job.created, job.rejected) == (1, 0), job.errors
    assert Response.objects.get().answers == sent[0]["answers"]


def test_odk_central_csv_with_dash_groups_and_key(world, tmp_path):
    header, rows, sent = kobo_export("knowledge_test", subs(world, "post"), flavour="odk")
    job, _ = run_import(write_csv(tmp_path / "central.csv", header, rows), program=world.program)
    assert (job.created, job.rejected) == (1, 0), job.errors
    assert Response.objects.get().submission_uuid == sent[0]["uuid"]


@pytest.mark.parametrize("split", [False, True])
def test_select_multiple_as_one_column_or_one_column_per_choice(world, tmp_path, split):
    header, rows, sent = kobo_export(
        "sociocultural_interview", subs(world, "pre"), split_multiple=split
    )
    job, _ = run_import(write_csv(tmp_path / "s.csv", header, rows), program=world.program)
    assert (job.created, job.rejected) == (1, 0), job.errors
    stored = Response.objects.get()
    multi = [k for k, v in sent[0]["answers"].items() if isinstance(v, list)]
    assert multi
    assert all(stored.answers.get(k) == sent[0]["answers"][k] for k in multi)


def test_followup_and_mother_matched_by_nik(world, tmp_path):
    header, rows, _ = kobo_export("knowledge_test", subs(world, "followup"))
    header[header.index("mother_id")] = "nik"
    rows[0][header.index("nik")] = "3523120101950001"
    rows[0][header.index("followup_number")] = "2"
    job, _ = run_import(write_csv(tmp_path / "f.csv", header, rows), program=world.program)
    assert (job.created, job.rejected) == (1, 0), job.errors
    stored = Response.objects.get()
    assert (stored.mother, stored.timepoint, stored.followup_number) == (
        world.mothers["melati"], "followup", 2)  # fmt: skip


def test_unknown_mother_and_bad_answer_are_reported_by_row_and_column(world, tmp_path):
    header, rows, _ = kobo_export("knowledge_test", subs(world, "pre", "post", "post"))
    rows[0][header.index("mother_id")] = "LK-ZZZZZZZZ"
    rows[1][header.index("grp/k03_water_hot_weather")] = "mungkin"
    with translation.override("en"):
        job, plan = run_import(write_csv(tmp_path / "b.csv", header, rows), program=world.program)
    assert job.status == ImportStatus.REFUSED
    assert Response.objects.count() == 0
    errors = {(e["row"], e["column"]) for e in job.errors}
    assert (2, "mother_id") in errors
    assert (3, "grp/k03_water_hot_weather") in errors
    assert any("never matched by name" in e["message"] for e in job.errors)
    assert plan.counts["rows_read"] == 3


def test_all_or_nothing_then_valid_rows_only(world, tmp_path):
    header, rows, _ = kobo_export("knowledge_test", subs(world, "pre", "post"))
    rows[1][header.index("timepoint")] = "kemarin"
    path = write_csv(tmp_path / "half.csv", header, rows)
    job, _ = run_import(path, program=world.program)
    assert (job.status, Response.objects.count()) == (ImportStatus.REFUSED, 0)
    job, _ = run_import(path, program=world.program, valid_only=True)
    assert job.status == ImportStatus.PARTIAL
    assert (job.created, job.rejected, Response.objects.count()) == (1, 1, 1)
    _name, _type, content = rejected_rows_render(job)
    (tmp_path / "r.xlsx").write_bytes(content)
    sheet = load_workbook(tmp_path / "r.xlsx").active
    values = list(sheet.values)
    assert values[0][:2] == ("laktasi_row", "laktasi_errors")
    assert len(values) == 2
    assert values[1][0] == 3


def test_rejected_rows_spreadsheet_neutralises_formula_injection(world, tmp_path):
    header, rows, _ = kobo_export("knowledge_test", subs(world, "pre"))
    rows[0][header.index("grp/k01_ebf_definition")] = '=HYPERLINK("http://x","klik")'
    rows[0][header.index("_validation_status")] = "@SUM(A1)"
    job, _ = run_import(write_csv(tmp_path / "inj.csv", header, rows), program=world.program)
    _name, _type, content = rejected_rows_render(job)
    (tmp_path / "r.xlsx").write_bytes(content)
    cells = [c for row in load_workbook(tmp_path / "r.xlsx").active.values for c in row]
    texts = [c for c in cells if isinstance(c, str)]
    assert not any(t.startswith(("=", "+", "-", "@")) for t in texts)
    assert '\'=HYPERLINK("http://x","klik")' in texts


def test_duplicate_submission_in_file_is_skipped_and_other_timepoint_conflict_rejected(
    world, tmp_path
):
    header, rows, sent = kobo_export("knowledge_test", subs(world, "pre", "pre"))
    rows.append(list(rows[0]))
    job, _ = run_import(write_csv(tmp_path / "d.csv", header, rows), program=world.program,
                        valid_only=True)  # fmt: skip
    assert (job.rows_read, job.created, job.skipped, job.rejected) == (3, 1, 1, 1)
    assert Response.objects.count() == 1


def test_response_already_recorded_on_the_web_is_not_duplicated(world, tmp_path):
    header, rows, sent = kobo_export("knowledge_test", subs(world, "pre"))
    response_record(mother=world.mothers["melati"], instrument_id="knowledge_test",
                    timepoint="pre", answers=sent[0]["answers"], collected_by=None,
                    program=world.program)  # fmt: skip
    job, _ = run_import(write_csv(tmp_path / "w.csv", header, rows), program=world.program)
    assert (job.rejected, Response.objects.count()) == (1, 1)


def test_mother_without_consent_is_rejected(world, tmp_path):
    consent_record(mother=world.mothers["melati"], recorded_by=None, text_version="1",
                   action="withdrawn")  # fmt: skip
    header, rows, _ = kobo_export("knowledge_test", subs(world, "pre"))
    job, _ = run_import(write_csv(tmp_path / "c.csv", header, rows), program=world.program)
    assert (job.rejected, Response.objects.count()) == (1, 0)


def test_template_rows_without_uuid_get_a_stable_one(world, tmp_path):
    header, rows, _ = kobo_export("knowledge_test", subs(world, "pre"))
    keep = [i for i, h in enumerate(header) if not h.startswith(("meta/", "_", "start", "end"))]
    header = [header[i].removeprefix("grp/") for i in keep]
    rows = [[r[i] for i in keep] for r in rows]
    path = write_csv(tmp_path / "template.csv", header, rows, delimiter=";", encoding="cp1252")
    job, _ = run_import(path, program=world.program)
    assert (job.created, job.rejected) == (1, 0), job.errors
    assert Response.objects.get().source == Source.IMPORT
    job2, _ = run_import(path, program=world.program)
    assert (job2.created, job2.skipped, Response.objects.count()) == (0, 1, 1)


def test_cadre_cannot_import_for_a_mother_of_another_posyandu(world, tmp_path):
    header, rows, _ = kobo_export("knowledge_test", subs(world, "pre"))
    path = write_csv(tmp_path / "k.csv", header, rows)
    job, _ = run_import(path, user=world.users["kader_mawar"])
    assert (job.created, job.rejected) == (0, 1)
    assert "LK-" in job.errors[0]["value"]


def test_viewer_cannot_import_and_nobody_imports_into_a_program_out_of_scope(world, tmp_path):
    header, rows, _ = kobo_export("knowledge_test", subs(world, "pre"))
    path = write_csv(tmp_path / "k.csv", header, rows)
    with pytest.raises(PermissionDenied):
        run_import(path, user=world.users["viewer"])
    with pytest.raises(ValidationError):
        run_import(path, user=world.users["kader_mawar"], program=world.program)


def test_uploaded_file_is_kept_under_media_imports_with_its_hash(world, tmp_path, settings):
    header, rows, _ = kobo_export("knowledge_test", subs(world, "pre"))
    path = write_csv(tmp_path / "Data Kobo.csv", header, rows)
    job, _ = run_import(path, commit=False)
    assert job.file.name.startswith("imports/")
    assert "Data" not in job.file.name
    stored = (settings.MEDIA_ROOT / job.file.name).read_bytes()
    assert stored != path.read_bytes()  # encrypted at rest (issue 16, M4)
    assert b"knowledge" not in stored.lower()
    assert file_bytes(job) == path.read_bytes()
    assert job.file_name == "Data Kobo.csv"
    assert len(job.file_sha256) == 64
    assert job.file_size == path.stat().st_size


def test_bad_uuid_and_unknown_instrument(world, tmp_path):
    header, rows, _ = kobo_export("knowledge_test", subs(world, "pre"))
    rows[0][header.index("meta/instanceID")] = "uuid:not-a-uuid"
    rows[0][header.index("_uuid")] = ""
    job, _ = run_import(write_csv(tmp_path / "u.csv", header, rows))
    assert job.errors[0]["column"] == "meta/instanceID"
    job, plan = run_import(write_csv(tmp_path / "x.csv", ["mother_id", "timepoint", "q1"],
                                     [["LK-AAAAAAAA", "pre", "1"]]))  # fmt: skip
    assert job.status == ImportStatus.FAILED or job.rejected == 1
    assert plan.counts["rows_read"] == plan.counts["rejected"]


def test_same_uuid_never_stored_twice_even_without_the_check(world, tmp_path):
    header, rows, sent = kobo_export("knowledge_test", subs(world, "pre"))
    run_import(write_csv(tmp_path / "a.csv", header, rows), program=world.program)
    duplicate = Response.objects.get()
    duplicate.pk = None
    duplicate.timepoint = "post"
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()
    assert Response.objects.filter(submission_uuid=sent[0]["uuid"]).count() == 1
    assert isinstance(sent[0]["uuid"], uuid.UUID)

"""Regression tests of issue 18: the export layouts that used to fail, each alone.

(1) label exports of step and Likert items, (2) select_multiple in one column and in 0/1
columns at once, (3) multi-word labels of a select_multiple, (4) a question column missing,
(5) KoboToolbox review status, (6) edited submissions; and identifiers shown normalised.
"""

from __future__ import annotations

import uuid

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from laktasi.imports.importers.answers import FormLabels, form_labels, multi_value
from laktasi.imports.models import ImportStatus, SubmissionVersion
from laktasi.imports.parsers import CellError
from laktasi.imports.services import importjob_accept_incomplete, importjob_commit
from laktasi.instruments import registry
from laktasi.instruments.models import Response
from laktasi.instruments.services import response_update
from laktasi.instruments.xlsform import build_sheets
from tests.imports.conftest import kobo_export, run_import, write_csv, write_xlsx

pytestmark = pytest.mark.django_db
EN_LABEL = "label::English (en)"
ID_LABEL = "label::Indonesian (id)"


def subs(world, *timepoints, **extra):
    melati = world.mothers["melati"].identifier
    return [{"mother_id": melati, "timepoint": tp, **extra} for tp in timepoints]


def in_english(instrument_id, rows):
    """Turn the Indonesian choice labels of an export into the English ones."""
    sheets = build_sheets(registry.get(instrument_id), langs=("id", "en"))
    english = {c[ID_LABEL]: c[EN_LABEL] for c in sheets["choices"]}
    return [[english.get(v, v) if isinstance(v, str) else v for v in row] for row in rows]


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize(
    "instrument_id", ["oxytocin_massage_checklist", "breastfeeding_confidence", "marmet_checklist"]
)
def test_label_export_of_step_and_likert_items_imports(world, tmp_path, instrument_id, lang):
    header, rows, sent = kobo_export(instrument_id, subs(world, "pre"), labels=True, seed=3)
    if lang == "en":
        rows = in_english(instrument_id, rows)
    labels = {c for row in rows for c in row if isinstance(c, str)}
    assert labels & {"Dilakukan dengan benar", "Done correctly", "Ragu-ragu", "Unsure", "Yakin",
                     "Confident", "Tidak dilakukan / salah", "Not done / wrong"}  # fmt: skip
    job, _ = run_import(write_xlsx(tmp_path / "labels.xlsx", header, rows), program=world.program)
    assert (job.created, job.rejected) == (1, 0), job.errors
    assert Response.objects.get().answers == sent[0]["answers"]


def test_unknown_label_of_a_step_item_names_the_answers_expected(world, tmp_path):
    header, rows, _ = kobo_export("oxytocin_massage_checklist", subs(world, "pre"), labels=True)
    col = next(i for i, h in enumerate(header) if h.endswith("Menjelaskan tujuan pijat dan "
                                                             "meminta persetujuan ibu."))  # fmt: skip
    rows[0][col] = "Sudah"
    with translation.override("en"):
        job, _ = run_import(write_csv(tmp_path / "x.csv", header, rows), program=world.program)
    assert job.status == ImportStatus.REFUSED
    (error,) = job.errors
    assert error["column"] == header[col]
    assert "«Dilakukan dengan benar»" in error["message"]
    assert "Sudah" in error["message"]


def with_summary_columns(instrument_id, header, rows, sent):
    """Add KoboToolbox's one-column select_multiple before its 0/1 columns ("single and
    separate columns")."""
    definition = registry.get(instrument_id)
    multi = [it.id for it in definition.items if it.type == "select_multiple"]
    for item_id in multi:
        first = next(i for i, h in enumerate(header) if h.startswith(f"grp/{item_id}/"))
        header.insert(first, f"grp/{item_id}")
        for row, sub in zip(rows, sent, strict=True):
            row.insert(first, " ".join(sub["answers"].get(item_id) or []))
    return header, rows


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_select_multiple_in_one_column_and_in_columns_per_choice_imports(world, tmp_path, fmt):
    args = ("sociocultural_interview", subs(world, "pre"))
    header, rows, sent = kobo_export(*args, split_multiple=True)
    header, rows = with_summary_columns("sociocultural_interview", header, rows, sent)
    write = write_csv if fmt == "csv" else write_xlsx
    job, _ = run_import(write(tmp_path / f"both.{fmt}", header, rows), program=world.program)
    assert (job.created, job.rejected) == (1, 0), job.errors
    stored = Response.objects.get().answers
    for item_id, value in sent[0]["answers"].items():
        if isinstance(value, list):
            assert stored[item_id] == value


def prelacteal_labels(names):
    item = registry.get("sociocultural_interview").item("prelacteal_types")
    by_name = {c.name: c.label.get("id") for c in item.choices}
    return " ".join(by_name[n] for n in names)


def test_multi_word_labels_of_a_select_multiple_are_matched_whole(world, tmp_path):
    header, rows, sent = kobo_export("sociocultural_interview", subs(world, "pre"), seed=5)
    col = header.index("grp/prelacteal_types")
    rows[0][col] = prelacteal_labels(["sugar_water", "formula", "rice_water"])
    rows[0][header.index("grp/prelacteal_given")] = "yes"
    assert rows[0][col] == "Air gula Susu formula Air tajin"
    job, _ = run_import(write_csv(tmp_path / "m.csv", header, rows), program=world.program)
    assert (job.created, job.rejected) == (1, 0), job.errors
    assert Response.objects.get().answers["prelacteal_types"] == [
        "sugar_water", "formula", "rice_water"]  # fmt: skip


def test_ambiguous_labels_are_refused_and_unknown_ones_named():
    item = registry.get("sociocultural_interview").item("prelacteal_types")
    real = form_labels("sociocultural_interview", "1")
    known = dict(real.choices[item.list_name])
    known.update({"air": "honey", "gula": "tea"})  # "Air gula" = sugar_water, or honey + tea
    labels = FormLabels(real.fields, {**real.choices, item.list_name: known})
    with pytest.raises(CellError) as exc:
        multi_value(item, "Air gula", labels)
    with translation.override("en"):
        assert "more than one way" in exc.value.render()
        assert "sugar_water / honey+tea" in exc.value.render()
    assert multi_value(item, "Madu Teh", real) == ["honey", "tea"]
    with pytest.raises(CellError) as exc:
        multi_value(item, "Madu Sirup", real)
    with translation.override("en"):
        assert "not a choice" in exc.value.render()


def test_ambiguous_cell_is_refused_naming_the_column(world, tmp_path, monkeypatch):
    from laktasi.imports.importers import responses

    item = registry.get("sociocultural_interview").item("prelacteal_types")
    real = form_labels("sociocultural_interview", "1")
    known = {**real.choices[item.list_name], "air": "honey", "gula": "tea"}
    fake = FormLabels(real.fields, {**real.choices, item.list_name: known})
    monkeypatch.setattr(responses, "form_labels", lambda *_a: fake)
    header, rows, _ = kobo_export("sociocultural_interview", subs(world, "pre"), seed=5)
    rows[0][header.index("grp/prelacteal_types")] = "Air gula"
    rows[0][header.index("grp/prelacteal_given")] = "yes"
    with translation.override("en"):
        job, _ = run_import(write_csv(tmp_path / "a.csv", header, rows), program=world.program)
    assert job.status == ImportStatus.REFUSED
    assert Response.objects.count() == 0
    (error,) = job.errors
    assert error["column"] == "grp/prelacteal_types"
    assert "more than one way" in error["message"]


def drop_column(header, rows, name):
    pos = header.index(name)
    return header[:pos] + header[pos + 1 :], [r[:pos] + r[pos + 1 :] for r in rows]


def test_missing_question_column_is_never_scored_as_wrong(world, tmp_path):
    answers = {it.id: ("true" if it.key else "false") for it in
               registry.get("knowledge_test").items}  # fmt: skip
    header, rows, _ = kobo_export("knowledge_test", subs(world, "pre", answers=answers))
    header, rows = drop_column(header, rows, "grp/k03_water_hot_weather")
    path = write_csv(tmp_path / "deselected.csv", header, rows)
    with translation.override("en"):
        job, plan = run_import(path, program=world.program)
    assert job.status == ImportStatus.REFUSED
    assert Response.objects.count() == 0
    assert job.missing_items == ["k03_water_hot_weather"]
    note = next(n for n in job.notes if "k03_water_hot_weather" in n)
    assert "not a wrong answer" in note
    assert "knowledge category" in note
    # accepted: stored without the question and without score or category
    importjob_accept_incomplete(job=job, accept=True)
    job.status = ImportStatus.PREVIEWED
    job.save()
    importjob_commit(job=job)
    job.refresh_from_db()
    assert (job.status, job.created) == (ImportStatus.COMMITTED, 1)
    stored = Response.objects.get()
    assert "k03_water_hot_weather" not in stored.answers
    assert len(stored.answers) == len(answers) - 1
    assert (stored.score_pct, stored.category, stored.complete) == (None, "", False)
    assert stored.details["not_collected"] == ["k03_water_hot_weather"]


def test_cli_refuses_missing_columns_in_english_then_accepts(world, tmp_path):
    header, rows, _ = kobo_export("breastfeeding_confidence", subs(world, "pre"))
    dropped = next(h for h in header if h.startswith("grp/"))
    header, rows = drop_column(header, rows, dropped)
    path = write_csv(tmp_path / "c.csv", header, rows)
    with pytest.raises(CommandError) as exc:
        call_command("import", str(path), "--program", str(world.program.pk), "--lang", "en",
                     "--no-progress")  # fmt: skip
    assert "questions are missing from the file" in str(exc.value)
    assert dropped.removeprefix("grp/") in str(exc.value)
    assert "--accept-incomplete" in str(exc.value)
    assert Response.objects.count() == 0
    call_command("import", str(path), "--program", str(world.program.pk), "--lang", "en",
                 "--no-progress", "--accept-incomplete")  # fmt: skip
    assert Response.objects.get().score_pct is None


def test_cli_message_in_indonesian_by_default(world, tmp_path):
    header, rows, _ = kobo_export("knowledge_test", subs(world, "pre"))
    header, rows = drop_column(header, rows, "grp/k03_water_hot_weather")
    path = write_csv(tmp_path / "c.csv", header, rows)
    with pytest.raises(CommandError) as exc:
        call_command("import", str(path), "--program", str(world.program.pk), "--no-progress")
    assert "Tidak ada yang diimpor" in str(exc.value)


def set_review(header, rows, statuses):
    col = header.index("_validation_status")
    for row, status in zip(rows, statuses, strict=True):
        row[col] = status


def test_not_approved_skipped_and_approved_duplicate_wins(world, tmp_path):
    header, rows, sent = kobo_export("knowledge_test", subs(world, "pre", "pre"), seed=2)
    set_review(header, rows, ["validation_status_not_approved", "validation_status_approved"])
    with translation.override("en"):
        job, _ = run_import(write_csv(tmp_path / "r.csv", header, rows), program=world.program)
    assert (job.created, job.skipped, job.rejected) == (1, 1, 0), job.errors
    assert Response.objects.get().submission_uuid == sent[1]["uuid"]
    assert any("Not approved in KoboToolbox: rows 2" in n for n in job.notes)


def test_approved_submission_replaces_a_not_approved_one_imported_before(world, tmp_path):
    header, rows, sent = kobo_export("knowledge_test", subs(world, "pre"), seed=2)
    run_import(write_csv(tmp_path / "first.csv", header, rows), program=world.program)
    header2, rows2, sent2 = kobo_export("knowledge_test", subs(world, "pre"), seed=9)
    rows = [rows[0], rows2[0]]
    set_review(header, rows, ["Not Approved", "Approved"])  # a label export
    with translation.override("en"):
        job, _ = run_import(write_csv(tmp_path / "second.csv", header, rows),
                            program=world.program)  # fmt: skip
    assert (job.updated, job.skipped, job.rejected) == (1, 1, 0), job.errors
    stored = Response.objects.get()
    assert stored.submission_uuid == sent2[0]["uuid"]
    assert stored.answers == sent2[0]["answers"]
    assert stored.history.count() == 2
    assert any("replaces a submission marked Not approved" in n for n in job.notes)
    assert not any("laktasi still holds them" in n for n in job.notes)


def test_not_approved_submission_imported_before_is_reported_when_nothing_replaces_it(
    world, tmp_path
):
    header, rows, _ = kobo_export("knowledge_test", subs(world, "pre"), seed=2)
    run_import(write_csv(tmp_path / "first.csv", header, rows), program=world.program)
    set_review(header, rows, ["validation_status_not_approved"])
    with translation.override("en"):
        job, _ = run_import(write_csv(tmp_path / "again.csv", header, rows),
                            program=world.program)  # fmt: skip
    assert (job.skipped, job.updated) == (1, 0)
    assert any("Rows 2 were imported before they were marked Not approved" in n
               for n in job.notes)  # fmt: skip


def edited(header, rows, *, id_cols, answers_change):
    """The same submission after an edit: a new instance ID, the stable one kept."""
    new_version = f"uuid:{uuid.uuid4()}"
    for name in id_cols:
        rows[0][header.index(name)] = new_version
    for column, value in answers_change.items():
        rows[0][header.index(column)] = value
    return new_version


@pytest.mark.parametrize("flavour", ["kobo", "odk"])
def test_edited_submission_updates_with_history_and_never_duplicates(world, tmp_path, flavour):
    answers = {it.id: ("true" if it.key else "false") for it in
               registry.get("knowledge_test").items}  # fmt: skip
    header, rows, sent = kobo_export("knowledge_test", subs(world, "pre", answers=answers),
                                     flavour=flavour)  # fmt: skip
    sep = "/" if flavour == "kobo" else "-"
    if flavour == "kobo":  # KoboToolbox: meta/rootUuid keeps the first instance ID
        header.append("meta/rootUuid")
        rows[0].append(f"uuid:{sent[0]['uuid']}")
    first, _ = run_import(write_csv(tmp_path / "v1.csv", header, rows), program=world.program)
    assert first.created == 1
    before = Response.objects.get()
    assert before.score_pct == 100
    id_cols = ["meta/instanceID", "_uuid"] if flavour == "kobo" else ["meta-instanceID"]
    edited(header, rows, id_cols=id_cols,
           answers_change={f"grp{sep}k01_ebf_definition": "false"})  # fmt: skip
    path = write_csv(tmp_path / "v2.csv", header, rows)
    with translation.override("en"):
        job, _ = run_import(path, program=world.program)
    assert (job.created, job.updated, job.skipped, job.rejected) == (0, 1, 0, 0), job.errors
    assert any("k01_ebf_definition: true → false" in n for n in job.notes)
    after = Response.objects.get()
    assert (after.pk, after.submission_uuid) == (before.pk, sent[0]["uuid"])
    assert after.answers["k01_ebf_definition"] == "false"
    assert after.score_pct < 100
    assert after.history.count() == 2
    assert after.history.earliest().history_date < after.history.latest().history_date
    assert SubmissionVersion.objects.filter(response=after).count() == 1
    # Re-importing the same file changes nothing, and keeps a correction made in laktasi since.
    response_update(response=after, answers={**after.answers, "k01_ebf_definition": "true"},
                    changed_by=world.users["coordinator"])  # fmt: skip
    again, _ = run_import(path, program=world.program)
    assert (again.updated, again.skipped) == (0, 1)
    assert Response.objects.get().answers["k01_ebf_definition"] == "true"


def test_identifiers_written_differently_are_shown_normalised(world, tmp_path):
    ident = world.mothers["melati"].identifier
    header, rows, _ = kobo_export("knowledge_test", subs(world, "pre", "post"))
    rows[0][header.index("mother_id")] = ident.lower()
    rows[1][header.index("mother_id")] = ident.replace("-", "- ")
    with translation.override("en"):
        job, _ = run_import(write_csv(tmp_path / "n.csv", header, rows), program=world.program)
    assert job.created == 2, job.errors
    note = next(n for n in job.notes if n.startswith("laktasi IDs read as"))
    assert f"«{ident.lower()}» → {ident} (rows 2)" in note
    assert f"«{ident.replace('-', '- ')}» → {ident} (rows 3)" in note


def test_rescoring_keeps_no_score_for_questions_never_collected(world, tmp_path):
    from laktasi.instruments.services import response_rescore

    header, rows, _ = kobo_export("knowledge_test", subs(world, "pre"))
    header, rows = drop_column(header, rows, "grp/k03_water_hot_weather")
    job, _ = run_import(write_csv(tmp_path / "d.csv", header, rows), program=world.program,
                        commit=False)  # fmt: skip
    importjob_accept_incomplete(job=job, accept=True)
    importjob_commit(job=job)
    stored = response_rescore(response=Response.objects.get())
    stored.refresh_from_db()
    assert (stored.score_pct, stored.category) == (None, "")


def test_web_preview_names_missing_columns_and_commits_only_when_accepted(client, world, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from laktasi.imports.models import ImportJob
    from tests.imports.test_attendance_and_web import login

    header, rows, _ = kobo_export("knowledge_test", subs(world, "pre"))
    header, rows = drop_column(header, rows, "grp/k03_water_hot_weather")
    rows[0][header.index("mother_id")] = world.mothers["melati"].identifier.lower()
    data = write_csv(tmp_path / "d.csv", header, rows).read_bytes()
    login(client, world, "kader")
    client.post(reverse("imports:index"), {"file": SimpleUploadedFile("d.csv", data),
                                           "kind": "auto", "program": world.program.pk})  # fmt: skip
    job = ImportJob.objects.get()
    page = client.get(reverse("imports:detail", args=[job.pk])).content.decode()
    assert "Kolom yang tidak ada di berkas: k03_water_hot_weather" in page
    assert "bukan jawaban salah" in page
    assert "ID laktasi dibaca sebagai" in page
    assert 'name="accept_incomplete"' in page
    refused = client.post(reverse("imports:commit", args=[job.pk]), follow=True)
    assert (
        "Tidak ada yang diimpor: ada pertanyaan yang tidak ada di berkas"
        in refused.content.decode()
    )
    assert Response.objects.count() == 0
    client.post(reverse("imports:commit", args=[job.pk]), {"accept_incomplete": "on"})
    job.refresh_from_db()
    assert (job.status, job.created) == (ImportStatus.COMMITTED, 1)
    assert Response.objects.get().score_pct is None


def test_cli_preview_shows_updates_and_normalised_identifiers(world, tmp_path, capsys):
    ident = world.mothers["melati"].identifier
    header, rows, sent = kobo_export("knowledge_test", subs(world, "pre"), flavour="odk")
    run_import(write_csv(tmp_path / "v1.csv", header, rows), program=world.program)
    edited(header, rows, id_cols=["meta-instanceID"], answers_change={})
    rows[0][header.index("grp-k02_medicines_ors_allowed")] = (
        "false" if sent[0]["answers"]["k02_medicines_ors_allowed"] == "true" else "true"
    )
    rows[0][header.index("mother_id")] = ident.lower()
    path = write_csv(tmp_path / "v2.csv", header, rows)
    call_command("import", str(path), "--program", str(world.program.pk), "--lang", "en",
                 "--dry-run", "--no-progress")  # fmt: skip
    out = capsys.readouterr().out
    assert "1 submissions were edited since they were imported" in out
    assert "k02_medicines_ors_allowed:" in out
    assert f"«{ident.lower()}» → {ident} (rows 2)" in out
    assert "updated 1" in out

"""Google Forms (and any non-template spreadsheet) through the column-mapping step."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from laktasi.imports.mapping.googleforms import parse_score, parse_timestamp
from laktasi.imports.mapping.models import ColumnMapping
from laktasi.imports.mapping.services import (
    mapped_file_read,
    mapped_import_confirm,
    mapped_import_create,
)
from laktasi.imports.mapping.spec import MappingSpec
from laktasi.imports.mapping.suggest import split_multiple, suggest
from laktasi.imports.mapping.text import normalise, similarity
from laktasi.imports.models import ImportStatus
from laktasi.imports.services import importjob_commit, importjob_preview
from laktasi.instruments import registry
from laktasi.instruments.models import Response, Source
from tests.imports.conftest import write_xlsx
from tests.imports.googleforms import all_correct, knowledge_rows, write_forms_csv, write_forms_xlsx

pytestmark = pytest.mark.django_db


def confirmed_spec(path, **changes) -> MappingSpec:
    spec = suggest(mapped_file_read(path)).spec(timepoint="pre")
    for key, value in changes.items():
        setattr(spec, key, value)
    return spec


def import_mapped(path, world, spec=None, *, commit=True):
    spec = spec or confirmed_spec(path)
    job = mapped_import_create(
        path=path, file_name=path.name, user=None, program=world.program, spec=spec
    )
    plan = importjob_preview(job=job)
    if commit:
        plan = importjob_commit(job=job)
        job.refresh_from_db()
    return job, plan


def test_header_text_is_compared_without_numbering_case_or_punctuation():
    assert normalise("12) ASI Eksklusif, artinya… [Benar/Salah]") == "asi eksklusif artinya"
    assert normalise("Soal 3: Kolostrum dibuang") == "kolostrum dibuang"
    assert similarity("1. ASI itu baik!", "asi itu baik") == 100
    assert (
        60
        <= similarity(
            "ASI eksklusif artinya bayi hanya ASI", "ASI eksklusif berarti bayi hanya ASI"
        )
        < 100
    )


def test_google_forms_timestamp_and_score_shapes_are_read():
    moment = parse_timestamp("2026/11/03 9:15:02 PM GMT+7")
    assert moment.isoformat() == "2026-11-03T21:15:02+07:00"
    assert parse_timestamp("2026/11/03 12:05:00 AM GMT+7").hour == 0
    assert str(parse_score("20 / 25")) == "4/5"
    assert parse_score("20") is None


def test_suggestion_finds_instrument_items_identifier_and_answers_with_confidence(world, tmp_path):
    header, rows = knowledge_rows({world.mothers["melati"].identifier: all_correct()})
    header[6] = header[6].upper().replace(",", "") + " [Benar/Salah]"  # edited by the team
    suggestion = suggest(mapped_file_read(write_forms_csv(tmp_path / "f.csv", header, rows)))
    assert suggestion.instrument.id == "knowledge_test"
    roles = {c.header: (c.role, c.item_id, c.confidence) for c in suggestion.columns}
    assert roles["Timestamp"][0] == "timestamp"
    assert roles["Score"][0] == "score"
    assert roles["Email address"][0] == "email"
    assert roles["Nama ibu"] == ("", "", 0)  # never an identifier: mothers are not matched by name
    assert roles[header[6]][1:] == ("k02_medicines_ors_allowed", 100)
    assert suggestion.identifier_column == "ID laktasi ibu"
    assert suggestion.identifier_kind == "laktasi_id"
    assert suggestion.answers["true_false"] == {"benar": ("true", 100), "salah": ("false", 100)}


def test_google_forms_csv_imports_scores_like_laktasi_and_reimport_changes_nothing(world, tmp_path):
    ident = world.mothers["melati"].identifier
    header, rows = knowledge_rows({ident: all_correct()})
    path = write_forms_csv(tmp_path / "forms.csv", header, rows)
    job, plan = import_mapped(path, world)
    assert job.status == ImportStatus.COMMITTED, (plan.file_error, plan.errors)
    stored = Response.objects.get()
    assert (stored.score_pct, stored.category, stored.timepoint) == (100, "baik", "pre")
    assert stored.source == Source.IMPORT
    assert stored.collected_at.isoformat() == "2026-11-03T02:15:02+00:00"
    job2, _plan = import_mapped(path, world)
    assert (job2.rows_read, job2.created, job2.skipped) == (1, 0, 1)
    # The linked Sheet as .xlsx (timestamp as a date-time cell) holds the same submissions.
    job3, _plan = import_mapped(write_forms_xlsx(tmp_path / "forms.xlsx", header, rows), world)
    assert (job3.rows_read, job3.created, job3.skipped) == (1, 0, 1)
    assert Response.objects.count() == 1


def test_quiz_score_is_never_used_but_differences_are_flagged(world, tmp_path):
    ident = world.mothers["melati"].identifier
    header, rows = knowledge_rows({ident: all_correct()}, quiz_points=lambda n: n - 5)
    job, plan = import_mapped(write_forms_csv(tmp_path / "q.csv", header, rows), world)
    assert job.status == ImportStatus.COMMITTED
    assert Response.objects.get().score_pct == 100
    assert any("Google Forms 80 %, laktasi 100 %" in n for n in job.notes), job.notes


def test_unmapped_question_column_is_refused_never_scored_as_wrong(world, tmp_path):
    ident = world.mothers["melati"].identifier
    header, rows = knowledge_rows({ident: all_correct()})
    path = write_forms_csv(tmp_path / "f.csv", header, rows)
    spec = confirmed_spec(path)
    dropped = header[7]
    del spec.columns[dropped]
    with pytest.raises(ValidationError, match="k03_water_hot_weather"):
        mapped_import_create(
            path=path, file_name="f.csv", user=None, program=world.program, spec=spec
        )
    assert not Response.objects.exists()


def test_unknown_answer_is_rejected_naming_the_forms_column(world, tmp_path):
    ident = world.mothers["melati"].identifier
    header, rows = knowledge_rows({ident: all_correct()})
    rows[0][8] = "Mungkin"
    job, plan = import_mapped(write_forms_csv(tmp_path / "f.csv", header, rows), world)
    assert job.status == ImportStatus.REFUSED
    assert plan.errors[0].column == header[8]
    assert plan.errors[0].value == "Mungkin"
    assert not Response.objects.exists()


def test_answers_are_mapped_through_the_confirmed_answer_mapping(world, tmp_path):
    ident = world.mothers["melati"].identifier
    header, rows = knowledge_rows({ident: all_correct()})
    rows[0] = [{"Benar": "Setuju", "Salah": "Tidak setuju"}.get(v, v) for v in rows[0]]
    path = write_forms_csv(tmp_path / "f.csv", header, rows)
    spec = confirmed_spec(path)
    assert spec.answers["true_false"] == {"setuju": "true", "tidak setuju": "false"}
    spec.answers["true_false"] = {"setuju": "false", "tidak setuju": "true"}  # corrected by hand
    job, _plan = import_mapped(path, world, spec)
    assert Response.objects.get().score_pct == 0


def test_nik_identifier_matches_the_mother_and_stays_out_of_the_key(world, tmp_path):
    header, rows = knowledge_rows({"3523120101950001": all_correct()})
    header[3] = "NIK ibu"
    path = write_forms_csv(tmp_path / "f.csv", header, rows)
    spec = confirmed_spec(path)
    assert (spec.identifier_column, spec.identifier_kind) == ("NIK ibu", "nik")
    job, _plan = import_mapped(path, world, spec)
    assert job.created == 1
    assert Response.objects.get().mother == world.mothers["melati"]


def test_identifier_and_timepoint_must_be_chosen(world, tmp_path):
    header, rows = knowledge_rows({world.mothers["melati"].identifier: all_correct()})
    path = write_forms_csv(tmp_path / "f.csv", header, rows)
    with pytest.raises(ValidationError, match="waktu pengukuran"):
        mapped_import_create(
            path=path, file_name="f.csv", user=None, program=world.program,
            spec=confirmed_spec(path, timepoint=""),
        )  # fmt: skip
    with pytest.raises(ValidationError, match="mengenali ibu"):
        mapped_import_create(
            path=path, file_name="f.csv", user=None, program=world.program,
            spec=confirmed_spec(path, identifier_column=""),
        )  # fmt: skip


def test_unconfirmed_mapping_is_neither_previewed_nor_committed(world, tmp_path):
    header, rows = knowledge_rows({world.mothers["melati"].identifier: all_correct()})
    path = write_forms_csv(tmp_path / "f.csv", header, rows)
    job = mapped_import_create(
        path=path, file_name="f.csv", user=world.users["coordinator"], program=world.program
    )
    plan = importjob_preview(job=job)
    assert plan.file_error
    assert plan.rows_read == 0
    importjob_commit(job=job)
    assert not Response.objects.exists()


def test_confirmed_mapping_is_saved_and_offered_for_the_next_file(world, tmp_path):
    header, rows = knowledge_rows({world.mothers["melati"].identifier: all_correct()})
    path = write_forms_csv(tmp_path / "f.csv", header, rows)
    job = mapped_import_create(
        path=path, file_name="f.csv", user=world.users["coordinator"], program=world.program
    )
    spec = MappingSpec.from_json(job.mapped.spec)
    spec.timepoint = "post"
    mapped_import_confirm(job=job, spec=spec, user=world.users["coordinator"])
    saved = ColumnMapping.objects.get()
    assert saved.spec["timepoint"] == "post"
    job2 = mapped_import_create(
        path=path, file_name="g.csv", user=world.users["coordinator"], program=world.program
    )
    assert job2.mapped.mapping == saved
    assert job2.mapped.spec["timepoint"] == "post"
    assert not job2.mapped.confirmed  # offered, still to be confirmed


def test_cli_imports_with_a_saved_mapping_or_a_json_file(world, tmp_path, capsys):
    header, rows = knowledge_rows({world.mothers["melati"].identifier: all_correct()})
    path = write_forms_csv(tmp_path / "f.csv", header, rows)
    call_command("import", str(path), "--program", str(world.program.pk), "--suggest-mapping")
    suggested = json.loads(capsys.readouterr().out)
    assert suggested["instrument"] == "knowledge_test"
    mapping_file = tmp_path / "m.json"
    mapping_file.write_text(json.dumps(suggested))
    with pytest.raises(CommandError, match="timepoint"):
        call_command("import", str(path), "--program", str(world.program.pk),
                     "--mapping", str(mapping_file), "--lang", "en")  # fmt: skip
    suggested["timepoint"] = "post"
    mapping_file.write_text(json.dumps(suggested))
    call_command("import", str(path), "--program", str(world.program.pk),
                 "--mapping", str(mapping_file), "--no-progress")  # fmt: skip
    assert Response.objects.get().timepoint == "post"
    saved = ColumnMapping.objects.create(
        program=world.program, name="x", form_key="k", instrument_id="knowledge_test",
        spec={**suggested, "timepoint": "post"},
    )  # fmt: skip
    call_command("import", str(path), "--program", str(world.program.pk),
                 "--mapping", str(saved.pk), "--no-progress", "--lang", "en")  # fmt: skip
    assert "skipped 1" in capsys.readouterr().out
    assert Response.objects.count() == 1


def test_checkbox_answers_are_split_on_whole_labels_longest_first():
    item = next(
        it for it in registry.get("sociocultural_interview").items if it.type == "select_multiple"
    )
    first, second = item.choices[0].label.id, item.choices[1].label.id
    parts = split_multiple(item, f"{first}, {second}, Sesuatu lain")
    assert sorted(parts) == sorted([first, second, "Sesuatu lain"])


def test_duplicate_question_headers_are_refused_not_guessed(world, tmp_path):
    ident = world.mothers["melati"].identifier
    header, rows = knowledge_rows({ident: all_correct()})
    header[6] = header[5]  # Google Forms keeps two questions with the same text as they are
    path = write_forms_csv(tmp_path / "g.csv", header, rows)
    spec = confirmed_spec(path)
    with pytest.raises(ValidationError, match="dua kolom"):
        mapped_import_create(
            path=path, file_name="g.csv", user=None, program=world.program, spec=spec
        )


def test_any_spreadsheet_with_english_texts_and_a_title_row_is_mapped(world, tmp_path):
    """Not Google Forms: a title row above the header, English item texts, no timestamp
    (the importer's own key then keeps re-imports idempotent)."""
    definition = registry.get("knowledge_test")
    header = ["No", "ID Ibu (laktasi)", "Nama"] + [it.label.en for it in definition.items]
    answers = all_correct()
    row = [1, world.mothers["melati"].identifier.lower(), "Siti"]
    row += ["True" if answers[it.id] == "true" else "False" for it in definition.items]
    path = write_xlsx(tmp_path / "rekap.xlsx", header, [row], above=[["Rekap pre-test Desa X"]])
    spec = confirmed_spec(path)
    assert len(spec.columns) == len(definition.items)
    assert (spec.identifier_column, spec.identifier_kind) == ("ID Ibu (laktasi)", "laktasi_id")
    assert not spec.timestamp_column
    job, _plan = import_mapped(path, world, spec)
    assert (job.created, job.rejected) == (1, 0)
    assert Response.objects.get().score_pct == 100
    again, _plan = import_mapped(path, world, spec)
    assert (again.created, again.skipped) == (0, 1)

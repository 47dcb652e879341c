"""XLSForm output: converts with pyxform without warnings; columns, header fields, settings."""

from __future__ import annotations

import io
import shutil
import warnings

import pytest
from openpyxl import load_workbook
from pyxform.xls2xform import convert

from laktasi.instruments import registry
from laktasi.instruments.xlsform import MOTHER_ID_CONSTRAINT, write_xlsform
from tests.instruments.helpers import all_definitions

DEFINITIONS = all_definitions()
IDS = [f"{d.id}-v{d.version}" for d in DEFINITIONS]


def rows(ws) -> list[dict]:
    values = list(ws.iter_rows(values_only=True))
    header = values[0]
    return [dict(zip(header, row, strict=True)) for row in values[1:]]


def pyxform_warnings(path) -> list[str]:
    found: list[str] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        convert(xlsform=str(path), warnings=found, validate=False)
    return found + [str(w.message) for w in caught]


@pytest.mark.parametrize("definition", DEFINITIONS, ids=IDS)
def test_every_instrument_converts_with_pyxform_without_warnings(tmp_path, definition):
    path = tmp_path / f"{definition.form_id}.xlsx"
    write_xlsform(definition, path)
    assert pyxform_warnings(path) == []


@pytest.mark.parametrize("definition", DEFINITIONS, ids=IDS)
def test_workbook_has_bilingual_columns_header_fields_and_settings(tmp_path, definition):
    path = tmp_path / "form.xlsx"
    write_xlsform(definition, path)
    wb = load_workbook(path)
    assert wb.sheetnames == ["survey", "choices", "settings"]
    survey = rows(wb["survey"])
    header = [c.value for c in wb["survey"][1]]
    for column in ("label", "hint", "required_message"):
        assert f"{column}::Indonesian (id)" in header
        assert f"{column}::English (en)" in header
    assert [r["name"] for r in survey[:4]] == ["mother_id", "timepoint", "followup_number", "intro"]
    assert survey[0]["type"] == "text"
    assert survey[0]["constraint"] == MOTHER_ID_CONSTRAINT
    assert survey[1]["type"] == "select_one timepoint"
    assert survey[1]["required"] == "yes"
    assert survey[2]["relevant"] == "${timepoint} = 'followup'"
    assert [r["name"] for r in survey[4:]] == list(definition.item_ids)
    for row, item in zip(survey[4:], definition.items, strict=True):
        assert row["label::Indonesian (id)"]
        assert row["label::English (en)"]
        assert (row["required"] == "yes") == item.required
    choice_header = [c.value for c in wb["choices"][1]]
    assert choice_header == ["list_name", "name", "label::Indonesian (id)", "label::English (en)"]
    timepoints = [r["name"] for r in rows(wb["choices"]) if r["list_name"] == "timepoint"]
    assert timepoints == ["pre", "post", "followup"]
    settings = rows(wb["settings"])[0]
    assert settings["form_id"] == f"laktasi_{definition.id}_v{definition.version}"
    assert settings["version"] == definition.version
    assert settings["default_language"] == "Indonesian (id)"


def test_answer_keys_and_rationales_never_reach_the_form(tmp_path):
    k = registry.get("knowledge_test")
    buffer = io.BytesIO()
    write_xlsform(k, buffer)
    wb = load_workbook(io.BytesIO(buffer.getvalue()))
    text = " ".join(str(v) for ws in wb for row in ws.iter_rows(values_only=True) for v in row)
    assert k.item("k01_ebf_definition").rationale.en not in text
    assert "key" not in [c.value for c in wb["survey"][1]]


def test_constraints_and_relevance_are_written(tmp_path):
    path = tmp_path / "interview.xlsx"
    write_xlsform(registry.get("sociocultural_interview"), path)
    survey = {r["name"]: r for r in rows(load_workbook(path)["survey"])}
    assert survey["prelacteal_types"]["relevant"] == "${prelacteal_given} = 'yes'"
    assert survey["prelacteal_types"]["type"] == "select_multiple prelacteal_types"
    assert survey["formula_spending_month"]["constraint"] == ". >= 0 and . <= 10000000"
    assert survey["home_helpers"]["constraint"] == (
        "not(selected(., 'nobody') and count-selected(.) > 1)"
    )
    assert survey["interviewer_notes"]["required"] is None
    smooth = tmp_path / "smooth.xlsx"
    write_xlsform(registry.get("milk_smoothness"), smooth)
    survey = {r["name"]: r for r in rows(load_workbook(smooth)["survey"])}
    assert survey["b_yellow_stools"]["relevant"] == "${baby_age_days} >= 5"
    oxy = tmp_path / "oxy.xlsx"
    write_xlsform(registry.get("oxytocin_massage_checklist"), oxy)
    survey = {r["name"]: r for r in rows(load_workbook(oxy)["survey"])}
    assert survey["s07_start_neck_beside_spine"]["hint::English (en)"] == "Critical step."


def test_bses_sf_form_uses_slot_placeholders_only(tmp_path):
    path = tmp_path / "bses.xlsx"
    write_xlsform(registry.get("bses_sf"), path)
    survey = rows(load_workbook(path)["survey"])
    assert survey[4]["label::English (en)"] == "BSES-SF item 1 (licensed text not loaded)"
    assert pyxform_warnings(path) == []


def test_single_language_form_converts(tmp_path):
    path = tmp_path / "en.xlsx"
    write_xlsform(registry.get("feeding_recall_24h"), path, langs=("en",))
    wb = load_workbook(path)
    assert "label::Indonesian (id)" not in [c.value for c in wb["survey"][1]]
    assert rows(wb["settings"])[0]["default_language"] == "English (en)"
    assert pyxform_warnings(path) == []
    with pytest.raises(ValueError, match="langs"):
        write_xlsform(registry.get("feeding_recall_24h"), path, langs=("fr",))


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("java") is None, reason="ODK Validate needs Java")
def test_odk_validate_accepts_every_form(tmp_path):
    for definition in DEFINITIONS:
        path = tmp_path / f"{definition.form_id}.xlsx"
        write_xlsform(definition, path)
        found: list[str] = []
        convert(xlsform=str(path), warnings=found, validate=True)
        assert found == [], definition.id

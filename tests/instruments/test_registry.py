"""Loading, validating and looking up instrument definitions."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
import yaml

from laktasi.instruments import registry
from laktasi.instruments.registry import InstrumentDefinitionError, UnknownInstrumentError
from tests.instruments.helpers import all_definitions, write_definition

SHIPPED = {
    "knowledge_test": "knowledge",
    "oxytocin_massage_checklist": "checklist",
    "marmet_checklist": "checklist",
    "milk_smoothness": "smoothness",
    "breastfeeding_confidence": "likert",
    "bses_sf": "likert",
    "family_support": "likert",
    "sociocultural_interview": "interview",
    "feeding_recall_24h": "recall",
}


def test_every_shipped_instrument_loads_with_its_kind():
    everything = registry.load_all()
    assert {iid: list(v.values())[-1].kind for iid, v in everything.items()} == SHIPPED


@pytest.mark.parametrize("definition", all_definitions(), ids=lambda d: f"{d.id}-v{d.version}")
def test_definition_is_bilingual_and_sourced(definition):
    for lang in ("id", "en"):
        assert definition.title(lang)
        assert definition.description(lang)
    assert definition.title("id") != definition.title("en")
    assert definition.sources
    assert definition.license
    assert len(set(definition.item_ids)) == len(definition.items)
    for item in definition.items:
        assert item.source.startswith("FACTS §"), item.id
        assert item.confidence in registry.CONFIDENCE_LABELS
        if definition.licensed_item_text is None:
            assert item.label.id, item.id
            assert item.label.en, item.id
        for choice in item.choices:
            assert choice.label.id
            assert choice.label.en


def test_knowledge_test_has_twenty_plus_balanced_items_with_rationales():
    k = registry.get("knowledge_test")
    false_share = sum(not it.key for it in k.items) / len(k.items)
    assert len(k.items) >= 20
    assert 0.4 <= false_share <= 0.6
    assert all(it.rationale.id and it.rationale.en for it in k.items)
    assert [b.code for b in k.scoring["bands"]] == ["baik", "cukup", "kurang"]


def test_oxytocin_checklist_critical_steps_are_facts_items_7_to_11():
    d = registry.get("oxytocin_massage_checklist", "1")
    assert len(d.items) == 15
    critical = [n for n, it in enumerate(d.items, start=1) if it.critical]
    assert critical == [7, 8, 9, 10, 11]
    assert all(it.critical_reason.en for it in d.items if it.critical)


def test_marmet_checklist_critical_steps_are_hold_placement_push_roll_no_squeeze():
    d = registry.get("marmet_checklist")
    assert [it.id for it in d.items if it.critical] == [
        "m07_c_hold",
        "m08_placement",
        "m09_push_back",
        "m10_roll_forward",
        "m14_no_squeeze_slide_pull",
    ]


def test_smoothness_records_baby_age_and_signs_from_mother_and_baby():
    d = registry.get("milk_smoothness")
    assert d.item("baby_age_days").type == "integer"
    assert {it.group for it in d.items if it.type == "sign"} == {"mother", "baby"}
    assert d.item("b_yellow_stools").relevant.op == "at_least"


def test_own_likert_scales_are_short_and_not_validated():
    confidence = registry.get("breastfeeding_confidence")
    support = registry.get("family_support")
    assert 10 <= len(confidence.items) <= 14
    assert not confidence.validated
    assert 8 <= len(support.items) <= 10
    assert not support.validated
    assert [it.id for it in support.items if it.reverse]
    assert set(support.scoring["subscales"]) == {
        "emotional",
        "instrumental",
        "informational",
        "appraisal",
    }


def test_interview_covers_prelacteal_formula_spending_decisions_work_and_home():
    d = registry.get("sociocultural_interview")
    prelacteal = d.item("prelacteal_types")
    assert prelacteal.type == "select_multiple"
    assert {"honey", "sugar_water", "formula", "rice_water", "coffee"} <= set(
        prelacteal.choice_names
    )
    assert d.item("formula_spending_month").type == "integer"
    for iid in ("colostrum_belief", "feeding_decider", "mother_work", "return_to_work",
                "home_helpers", "other_beliefs"):  # fmt: skip
        assert d.item(iid)
    assert all(it.tags for it in d.items if it.id != "interviewer_notes")


def test_recall_has_every_who_liquid_and_food_group():
    d = registry.get("feeding_recall_24h")
    classes = {it.id: it.recall_class for it in d.items if it.recall_class}
    assert classes["breastfed_yesterday"] == "breast_milk"
    assert classes["ors"] == classes["vitamin_mineral_drops"] == classes["medicines"] == "allowed"
    assert classes["tea_coffee_herbal"] == "water_based"
    assert classes["infant_formula"] == classes["animal_milk"] == "non_human_milk"
    assert classes["solid_foods"] == "solid"


def test_get_returns_latest_and_named_versions(tmp_path, mini):
    for version in ("1", "2", "10"):
        data = mini("knowledge")
        data["version"] = version
        data["title"] = {"id": f"Versi {version}", "en": f"Version {version}"}
        write_definition(tmp_path, data)
    assert registry.get("mini_knowledge", root=tmp_path).version == "10"
    assert registry.get("mini_knowledge", "2", root=tmp_path).title("en") == "Version 2"
    assert registry.get("mini_knowledge", 1, root=tmp_path).version == "1"
    assert list(registry.load_all(tmp_path)["mini_knowledge"]) == ["1", "2", "10"]


def test_get_unknown_instrument_lists_available_ids():
    with pytest.raises(UnknownInstrumentError) as exc:
        registry.get("nope")
    assert "knowledge_test" in exc.value.available
    assert "knowledge_test" in str(exc.value)
    with pytest.raises(UnknownInstrumentError, match="no version '99'"):
        registry.get("knowledge_test", "99")


def test_definitions_are_frozen():
    d = registry.get("knowledge_test")
    with pytest.raises(dataclasses.FrozenInstanceError):
        d.version = "2"
    with pytest.raises(TypeError):
        d.scoring["bands"] = ()
    assert d.path == registry.DEFINITIONS_DIR / "knowledge_test" / "v1.yaml"
    assert d.form_id == "laktasi_knowledge_test_v1"


def test_title_accepts_region_suffixes():
    d = registry.get("milk_smoothness")
    assert d.title("en-US") == d.title("en")
    assert d.title("id_ID") == d.title() == d.title("id")


def _break(data, path, value):
    *parents, last = path
    node = data
    for key in parents:
        node = node[key]
    if value is _DELETE:
        del node[last]
    else:
        node[last] = value


_DELETE = object()
BROKEN = [
    # (kind, path to change, new value, item named in the message, problem fragment)
    ("knowledge", ("items", 1, "id"), "q1", "q1", "duplicate item id"),
    ("knowledge", ("items", 0, "key"), _DELETE, "q1", "answer 'key'"),
    ("knowledge", ("items", 0, "label", "en"), _DELETE, "q1", "missing the en text"),
    ("knowledge", ("items", 1, "rationale"), {"id": "x"}, "q2", "missing the en text"),
    ("knowledge", ("items", 0, "confidence"), "maybe", "q1", "'confidence' must be one of"),
    ("knowledge", ("items", 0, "source"), _DELETE, "q1", "'source' is required"),
    ("knowledge", ("items", 0, "id"), "mother_id", "mother_id", "reserved"),
    ("knowledge", ("items", 0, "colour"), "red", "q1", "unknown item key"),
    ("knowledge", ("scoring", "bands", 2, "min_pct"), 10, None, "last band must have min_pct: 0"),
    ("knowledge", ("scoring", "bands", 1, "min_pct"), 80, None, "from the highest"),
    ("checklist", ("items", 0, "critical_reason"), _DELETE, "s1", "critical_reason"),
    ("checklist", ("scoring", "critical_items"), ["s1", "s9"], None, "unknown item(s) ['s9']"),
    ("smoothness", ("scoring", "age_item"), "weight", None, "unknown item 'weight'"),
    ("smoothness", ("scoring", "min_met"), 2, None, "exactly one of 'threshold'"),
    ("smoothness", ("items", 1, "group"), "father", "sign1", "group: mother"),
    ("smoothness", ("items", 0, "constraint"), _DELETE, "age", "constraint"),
    ("interview", ("items", 1, "choices"), [], "q2", "choices must be a non-empty list"),
    ("interview", ("items", 1, "relevant", "item"), "q9", "q2", "not an earlier item"),
    ("interview", ("items", 1, "relevant", "equals"), "maybe", "q2", "not a choice of 'q1'"),
    ("interview", ("items", 0, "choice_set"), "nope", "q1", "unknown choice_set"),
    ("interview", ("choice_sets", "yn", 0, "name"), True, None, "quote yes/no"),
    ("interview", ("items", 0, "type"), "slider", "q1", "type 'slider' not allowed"),
    ("knowledge", ("kind",), "quiz", None, "'kind' must be one of"),
    ("knowledge", ("title",), {"id": "Judul"}, None, "title is missing the en text"),
    ("knowledge", ("validated",), _DELETE, None, "'validated'"),
    ("knowledge", ("version",), "1.x", None, "'version' must look like"),
]


@pytest.mark.parametrize(
    ("kind", "path", "value", "item_id", "problem"), BROKEN, ids=[b[4] for b in BROKEN]
)
def test_broken_definition_names_file_item_and_problem(
    tmp_path, mini, kind, path, value, item_id, problem
):
    data = mini(kind)
    _break(data, path, value)
    file = write_definition(tmp_path, data, name="v1.yaml")
    with pytest.raises(InstrumentDefinitionError) as exc:
        registry.load_file(file)
    message = str(exc.value)
    assert str(file) in message
    assert problem in message
    if item_id:
        assert f"item '{item_id}'" in message
        assert exc.value.item_id == item_id


def test_file_name_must_match_id_and_version(tmp_path, mini):
    file = write_definition(tmp_path, mini("knowledge"), name="v2.yaml")
    with pytest.raises(InstrumentDefinitionError, match=r"mini_knowledge/v1\.yaml"):
        registry.load_file(file)


def test_invalid_yaml_and_duplicate_keys_are_reported(tmp_path):
    folder = tmp_path / "dup"
    folder.mkdir()
    bad = folder / "v1.yaml"
    bad.write_text("id: dup\nid: again\n", encoding="utf-8")
    with pytest.raises(InstrumentDefinitionError, match="duplicate key 'id'"):
        registry.load_file(bad)
    bad.write_text("id: [unclosed\n", encoding="utf-8")
    with pytest.raises(InstrumentDefinitionError, match="cannot read YAML"):
        registry.load_file(bad)


def test_a_broken_file_fails_load_all(tmp_path, mini):
    data = mini("knowledge")
    del data["items"][0]["key"]
    write_definition(tmp_path, data)
    with pytest.raises(InstrumentDefinitionError, match="mini_knowledge"):
        registry.load_all(tmp_path)


# ---------------------------------------------------------------------------- BSES-SF text

BSES_FILE = registry.DEFINITIONS_DIR / "bses_sf" / "v1.yaml"


def test_bses_sf_file_ships_no_item_text():
    data = yaml.safe_load(BSES_FILE.read_text(encoding="utf-8"))
    assert len(data["items"]) == 14
    for item in data["items"]:
        assert set(item) == {"id", "type", "source", "confidence"}
    d = registry.get("bses_sf")
    assert all(it.label is None for it in d.items)
    assert d.item("bses_03").label_for("en") == "BSES-SF item 3 (licensed text not loaded)"
    assert (d.scale_min, d.scale_max) == (1, 5)


def _licensed_labels(tmp_path: Path, count: int = 14) -> Path:
    entries = [{"id": f"bses_{n:02d}", "en": f"Licensed statement {n}"} for n in range(1, count)]
    entries.append({"id": f"bses_{count:02d}", "label": {"id": "Butir", "en": "Statement"}})
    path = tmp_path / "bses_items.yaml"
    path.write_text(yaml.safe_dump(entries), encoding="utf-8")
    return path


def test_bses_sf_labels_merge_from_env_file(tmp_path, monkeypatch):
    monkeypatch.setenv("LAKTASI_BSES_SF_ITEMS", str(_licensed_labels(tmp_path)))
    d = registry.get("bses_sf")
    assert d.item("bses_01").label_for("en") == "Licensed statement 1"
    assert d.item("bses_01").label_for("id") == "Licensed statement 1"
    assert d.item("bses_14").label_for("id") == "Butir"
    assert d.labels_path == tmp_path / "bses_items.yaml"
    monkeypatch.delenv("LAKTASI_BSES_SF_ITEMS")
    assert registry.get("bses_sf").item("bses_01").label is None


def test_bses_sf_incomplete_or_missing_label_file_is_an_error(tmp_path, monkeypatch):
    monkeypatch.setenv("LAKTASI_BSES_SF_ITEMS", str(_licensed_labels(tmp_path, count=13)))
    with pytest.raises(InstrumentDefinitionError, match="labels missing for slots"):
        registry.get("bses_sf")
    monkeypatch.setenv("LAKTASI_BSES_SF_ITEMS", str(tmp_path / "absent.yaml"))
    with pytest.raises(InstrumentDefinitionError, match="LAKTASI_BSES_SF_ITEMS"):
        registry.get("bses_sf")


def test_licensed_definition_may_not_carry_labels(tmp_path):
    data = yaml.safe_load(BSES_FILE.read_text(encoding="utf-8"))
    data["items"][0]["label"] = {"id": "x", "en": "x"}
    file = write_definition(tmp_path, data)
    with pytest.raises(InstrumentDefinitionError, match="must not be shipped"):
        registry.load_file(file)

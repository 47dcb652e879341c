"""The SVG illustrations: accessible, well-formed, black-and-white friendly; inlining."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from laktasi.materials.rendering import IMG_DIR, figures, inline_svg

SVGS = sorted(IMG_DIR.glob("*.svg"))
NS = "{http://www.w3.org/2000/svg}"


def test_there_are_the_expected_illustrations():
    names = {p.name for p in SVGS}
    assert {"back_massage.svg", "c_hold.svg", "push_roll.svg"} <= names


@pytest.mark.parametrize("path", SVGS, ids=[p.name for p in SVGS])
def test_svg_is_accessible_and_well_formed(path):
    root = ET.fromstring(path.read_text())
    assert root.get("role") == "img"
    title = root.find(f"{NS}title")
    assert title is not None
    assert title.text.strip()
    ids = {el.get("id") for el in root.iter() if el.get("id")}
    assert set(root.get("aria-labelledby").split()) <= ids
    assert root.get("viewBox")


@pytest.mark.parametrize("path", SVGS, ids=[p.name for p in SVGS])
def test_svg_uses_only_greys(path):
    colours = re.findall(r'(?:fill|stroke)="(#[0-9a-fA-F]{3,6})"', path.read_text())
    assert colours
    for colour in colours:
        value = colour.lstrip("#")
        if len(value) == 3:
            value = "".join(c * 2 for c in value)
        assert value[0:2] == value[2:4] == value[4:6], f"{path.name}: {colour} is not grey"


def test_inline_svg_localises_title_and_prefixes_ids():
    svg = inline_svg("c_hold.svg", title="Judul <x>", desc="Deskripsi", prefix="p1",
                     text_labels={"distance": "2,5–4 cm"})  # fmt: skip
    assert '<title id="p1-hold-title">Judul &lt;x&gt;</title>' in svg
    assert 'aria-labelledby="p1-hold-title p1-hold-desc"' in svg
    assert ">2,5–4 cm</text>" in svg
    assert 'width="' not in svg.split(">", 1)[0]


def test_figures_are_localised():
    assert "Jalur pijat" in figures(lang="id")["back"]["svg"]
    assert "massage path" in figures(lang="en")["back"]["svg"]
    assert "2.5–4 cm" in figures(lang="en")["hold"]["svg"]

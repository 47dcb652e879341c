"""Shared fixtures for the education-materials tests: a footer, cached PDFs, text helpers."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from laktasi.materials.guide import render_facilitator_guide
from laktasi.materials.leaflet import LeafletFooter, render_leaflet

ARTIFACTS = Path(__file__).resolve().parents[2] / "var" / "test-artifacts" / "materials"
QR_URL = "https://laktasi.example.id/materi/panduan/?lang=id&src=leaflet"


@pytest.fixture(scope="session")
def footer() -> LeafletFooter:
    return LeafletFooter(
        facility_name="PMB Bidan Sari Rahayu, Desa Tasikharjo",
        midwife_name="Bidan Sari Rahayu, S.Tr.Keb",
        midwife_phone="0812-3456-7890",
        posyandu_schedule="Posyandu Melati: Selasa minggu ke-2, 08.00–11.00",
        qr_url=QR_URL,
    )


@pytest.fixture(scope="session")
def pdfs(footer):
    """Render-once cache: pdfs(kind, lang) -> Path of the PDF under var/test-artifacts."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    cache: dict[tuple[str, str], Path] = {}

    def get(kind: str, lang: str) -> Path:
        key = (kind, lang)
        if key not in cache:
            if kind == "guide":
                data = render_facilitator_guide(lang=lang, footer=footer)
            else:
                data = render_leaflet(lang=lang, fmt=kind, footer=footer)
            path = ARTIFACTS / f"{kind}-{lang}.pdf"
            path.write_bytes(data)
            cache[key] = path
        return cache[key]

    return get


def pdf_text(path: Path) -> str:
    """Text of a PDF in content-stream order (pdftotext -raw)."""
    return subprocess.run(
        ["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def squash(text: str) -> str:
    """Remove whitespace and word joiners (line breaks inside extracted text fall anywhere)."""
    return re.sub(r"[\s\u2060]+", "", text)


def assert_in_order(haystack: str, needles: list[str]) -> None:
    """Every needle occurs in ``haystack`` (whitespace ignored), each after the previous one."""
    flat = squash(haystack)
    position = 0
    for needle in needles:
        found = flat.find(squash(needle), position)
        assert found >= 0, f"missing or out of order: {needle!r}"
        position = found + len(squash(needle))

"""``laktasi xlsform INSTRUMENT [--version V] [-o FILE]``."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from laktasi.instruments.management.commands.xlsform import Command


def test_writes_the_latest_version_to_the_default_file_name(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    call_command(Command(), "knowledge_test")
    out = tmp_path / "laktasi_knowledge_test_v1.xlsx"
    assert out.exists()
    assert load_workbook(out)["settings"]["B2"].value == "laktasi_knowledge_test_v1"
    assert "knowledge_test v1" in capsys.readouterr().out


def test_writes_a_named_version_to_a_named_file(tmp_path):
    out = tmp_path / "form.xlsx"
    call_command(Command(), "marmet_checklist", "--version", "1", "-o", str(out), "--lang", "en")
    header = [c.value for c in load_workbook(out)["survey"][1]]
    assert "label::English (en)" in header
    assert "label::Indonesian (id)" not in header


def test_unknown_instrument_lists_available_ids():
    with pytest.raises(CommandError, match="available: .*knowledge_test"):
        call_command(Command(), "nope")


def test_unknown_version_lists_available_versions(tmp_path):
    with pytest.raises(CommandError, match="no version '7'; available: 1"):
        call_command(Command(), "knowledge_test", "--version", "7", "-o", str(tmp_path / "x.xlsx"))

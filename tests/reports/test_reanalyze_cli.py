"""``laktasi reanalyze`` through Django's call_command (logic is tested in tests/stats)."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("reanalyze", *args, stdout=out)
    return out.getvalue()


def test_ordinal_article_indonesian():
    text = run(
        "--labels", "Kurang,Cukup,Baik", "--before", "8,5,2", "--after", "1,4,10",
        "--reported-before", "53.4,33.3,13.5", "--reported-after", "6,6;26,7;66,7",
    )  # fmt: skip
    assert "Jumlah tabel yang sesuai: 33" in text
    assert "53,4 *" in text
    assert "13,5 !" in text
    assert "Stuart-Maxwell" in text
    assert "Wilcoxon" in text
    assert "tidak dapat" in text


def test_binary_english():
    text = run("--n", "15", "--before-yes", "6", "--after-yes", "13", "--lang", "en")
    assert "Number of consistent tables: 3" in text
    assert "McNemar exact" in text
    assert "depends on the pairing" in text
    assert "86.7" in text


def test_json_output():
    data = json.loads(run("--n", "15", "--before-yes", "6", "--after-yes", "13", "--json"))
    assert data["kind"] == "binary"
    assert data["bounds"]["n_tables"] == 3
    assert data["bounds"]["exact"]["p_min"] == pytest.approx(0.015625)


@pytest.mark.parametrize(
    "args",
    [
        ("--before", "8,5,2", "--after", "1,4,11"),
        ("--before", "8,x,2", "--after", "1,4,10"),
        ("--n", "15", "--before-yes", "16", "--after-yes", "13"),
        (),
    ],
)
def test_bad_input_is_a_command_error(args):
    with pytest.raises(CommandError):
        run(*args)

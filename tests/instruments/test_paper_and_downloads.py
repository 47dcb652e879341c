"""Every instrument prints on A4 paper and downloads as an XLSForm from the web."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation

from laktasi.instruments import registry
from tests.conftest import PASSWORD

INSTRUMENTS = sorted(registry.load_all())


@pytest.fixture
def logged_in(client, world):
    client.login(username="kader", password=PASSWORD)
    return client


@pytest.mark.parametrize("instrument_id", INSTRUMENTS)
def test_paper_version_lists_every_item(logged_in, instrument_id):
    definition = registry.get(instrument_id)
    response = logged_in.get(reverse("instruments:paper", args=[instrument_id]))
    assert response.status_code == 200
    text = response.content.decode()
    for item in definition.items:
        with translation.override("id"):
            assert item.label_for("id").replace("'", "&#x27;").split()[0] in text
    assert "paper.css" in text


def test_answer_key_is_printed_only_on_request(logged_in):
    url = reverse("instruments:paper", args=["knowledge_test"])
    definition = registry.get("knowledge_test")
    rationale = definition.items[0].rationale.get("id")
    assert rationale[:30] not in logged_in.get(url).content.decode()
    assert rationale[:30] in logged_in.get(url + "?kunci=1").content.decode()


@pytest.mark.parametrize("instrument_id", INSTRUMENTS)
def test_xlsform_download_opens_with_both_languages(logged_in, instrument_id):
    response = logged_in.get(reverse("instruments:xlsform", args=[instrument_id]))
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert {"survey", "choices", "settings"} <= set(book.sheetnames)
    header = [cell.value for cell in book["survey"][1]]
    assert "label::Indonesian (id)" in header
    assert "label::English (en)" in header


def test_unknown_instrument_is_404(logged_in):
    assert logged_in.get(reverse("instruments:paper", args=["nope"])).status_code == 404


def test_catalogue_lists_all_instruments(logged_in):
    response = logged_in.get(reverse("instruments:catalogue"))
    assert response.status_code == 200
    for instrument_id in INSTRUMENTS:
        assert reverse("instruments:paper", args=[instrument_id]).encode() in response.content


def test_catalogue_needs_login(client, db):
    assert client.get(reverse("instruments:catalogue")).status_code == 302

"""The seed article's pre/post knowledge test, run with 15 mothers answering on their own
phones (through the public pages, as a phone would), ends in the paired report at once:
2/5/8 before and 10/4/1 after, with percentages from the counts and the paired tests."""

from __future__ import annotations

import io
import uuid

import pytest
from django.test import Client
from docx import Document

from laktasi.instruments.models import Response, Source
from laktasi.mothers.services import mother_register
from laktasi.reports.exporters import render
from laktasi.reports.selectors import report_build
from tests.links.helpers import form_payload, make_session, url_of
from tests.web.helpers import client_for

pytestmark = pytest.mark.django_db

# Right answers of 25 per mother: 20 = Baik (80 %), 15 = Cukup (60 %), 10 = Kurang (40 %).
BAIK, CUKUP, KURANG = 20, 15, 10
# (before, after) for the 15 mothers: margins 2/5/8 -> 10/4/1 as in the article.
PAIRS = (
    [(BAIK, BAIK)] * 2
    + [(CUKUP, BAIK)] * 5
    + [(KURANG, BAIK)] * 3
    + [(KURANG, CUKUP)] * 4
    + [(KURANG, KURANG)]
)


def test_fifteen_mothers_on_their_phones_give_the_paired_report(world):
    program = world.program
    program.enrollments.all().delete()
    for n in range(15):
        mother = mother_register(
            registered_by=None,
            full_name=f"Ibu Peserta {n + 1:02d}",
            birth_date=world.mothers["melati"].birth_date,
            village=world.regions["35.23.12.2005"],
            facility=world.melati,
            parity=1,
            consent={"text_version": "1"},
        )
        program.enrollments.create(mother=mother)
    session = make_session(program)
    staff = client_for(world.users["bidan"], lang="id")
    mothers = sorted((e.mother for e in program.enrollments.all()), key=lambda m: m.full_name)
    for timepoint, index in (("pre", 0), ("post", 1)):
        staff.post(f"/tautan/sesi/{session.pk}/buat/",
                   {"instrument": "knowledge_test", "timepoint": timepoint})  # fmt: skip
        for mother, pair in zip(mothers, PAIRS, strict=True):
            link = mother.answer_links.get(timepoint=timepoint)
            reply = Client().post(url_of(link), form_payload(pair[index], str(uuid.uuid4())))
            assert reply.status_code == 302
    assert Response.objects.filter(source=Source.SELF).count() == 30

    report = report_build(program=program, lang="id")
    _name, _type, content = render(report, fmt="docx")
    doc = Document(io.BytesIO(content))
    rows = [tuple(cell.text for cell in row.cells) for table in doc.tables for row in table.rows]
    assert ("1", "Baik", "2", "13,3 %", "10", "66,7 %") in rows
    assert ("2", "Cukup", "5", "33,3 %", "4", "26,7 %") in rows
    assert ("3", "Kurang", "8", "53,3 %", "1", "6,7 %") in rows
    text = "\n".join(p.text for p in doc.paragraphs) + "\n".join(" ".join(r) for r in rows)
    assert "Stuart-Maxwell" in text
    assert "diisi sendiri oleh ibu 30" in text

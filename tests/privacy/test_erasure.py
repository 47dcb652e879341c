"""Erasure anonymises a mother everywhere: every table and column (history tables included),
stored files and exports, while her de-identified rows keep the aggregates."""

from __future__ import annotations

import contextlib
import json
from datetime import date
from io import BytesIO

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection
from pypdf import PdfReader

from laktasi.core import crypto
from laktasi.followups.models import Visit
from laktasi.imports.models import ImportJob, ImportRowKey
from laktasi.instruments.models import Response
from laktasi.mothers.models import Mother
from laktasi.mothers.services import mother_update
from laktasi.privacy.services import mother_erase, mother_export, mother_export_pdf
from laktasi.programs.models import Consultation

NAME = "Siti Melati"
NIK = "3523120101950001"
PHONE = "081311112222"  # (the world gives every mother 081234567890)
NEW_PHONE = "081377778888"


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, memoryview | bytes):
        value = bytes(value).decode("utf-8", errors="ignore")
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False)
    text = str(value)
    if text.startswith("gAAAAA"):  # a Fernet token: look inside too
        with contextlib.suppress(ValueError):
            text += " " + crypto.decrypt(text)
    return text.lower()


def database_hits(needles: list[str]) -> list[str]:
    """Every table.column in the whole database whose value contains a needle."""
    needles = [n.lower() for n in needles]
    hits = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            columns = [
                c.name for c in connection.introspection.get_table_description(cursor, table)
            ]
            quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
            cursor.execute(f"SELECT {quoted} FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    text = _text(value)
                    hits += [f"{table}.{column}: {n}" for n in needles if n in text]
    return hits


def file_hits(root, needles: list[str]) -> list[str]:
    hits = []
    for path in root.rglob("*"):
        if path.is_file():
            text = path.read_bytes().decode("utf-8", errors="ignore").lower()
            hits += [f"{path}: {n}" for n in needles if n.lower() in text]
    return hits


@pytest.fixture
def melati_everywhere(world, settings, tmp_path):
    """Mother Melati's data spread over every app: corrections, free text, files, admin log."""
    settings.MEDIA_ROOT = tmp_path / "media"
    mother = world.mothers["melati"]
    baby = mother.babies.get()
    baby.name = "Putri Melati Ayu"
    baby.save()
    # Two corrections: the old phone must go from the history too.
    mother_update(mother=mother, phone=PHONE)
    mother_update(mother=mother, phone=NEW_PHONE, address="Jl. Kenari 7, RT 01")
    Response.objects.create(
        mother=mother,
        program=world.program,
        instrument_id="sociocultural_interview",
        instrument_version="1",
        timepoint="pre",
        source="web",
        answers={
            "food_taboo_details": f"{NAME} tidak makan ikan",
            "interviewer_notes": f"telp {PHONE}",
        },
        score_pct=50.0,
    )
    Consultation.objects.create(
        mother=mother, question=f"{NAME} ASI sedikit", advice="Pijat oksitosin"
    )
    Visit.objects.create(
        baby=baby,
        key="k1",
        number=1,
        due_date=date(2025, 1, 17),
        window_start=date(2025, 1, 15),
        window_end=date(2025, 1, 20),
        notes=f"Bertemu {NAME}, NIK {NIK}",
    )
    job = ImportJob(
        kind="mothers",
        status="committed",
        file_name=f"daftar {NAME}.csv",
        file_sha256="0" * 64,
        file_size=10,
        errors=[{"row": 3, "values": {"nama": NAME, "nik": NIK}}],
    )
    job.file.save("x.csv", ContentFile(f"nama,nik,hp\n{NAME},{NIK},{PHONE}\n".encode()), save=False)
    job.save()
    ImportRowKey.objects.create(kind="mothers", key="1:7", mother=mother, job=job)
    LogEntry.objects.log_actions(
        user_id=world.users["admin"].pk,
        queryset=[mother],
        action_flag=CHANGE,
        change_message="[]",
        single_object=True,
    )
    return mother


def test_erased_mother_is_found_nowhere(world, melati_everywhere, settings):
    mother = melati_everywhere
    needles = [NAME, NIK, PHONE, NEW_PHONE, "Putri Melati Ayu", crypto.keyed_hash(NIK)]
    assert database_hits(needles), "the search must see the data before erasure"
    assert file_hits(settings.MEDIA_ROOT, needles)

    mother_erase(mother=mother, by=world.users["admin"])

    assert database_hits(needles) == []
    assert file_hits(settings.MEDIA_ROOT, needles) == []
    export = mother_export(mother=Mother.objects.get(pk=mother.pk))
    exported = export.to_json().decode().lower()
    assert [n for n in needles if n.lower() in exported] == []
    pdf_text = " ".join(
        page.extract_text() for page in PdfReader(BytesIO(mother_export_pdf(export=export))).pages
    ).lower()
    assert [n for n in needles[:5] if n.lower() in pdf_text] == []


def test_erasure_keeps_deidentified_aggregates_and_other_mothers(world, melati_everywhere):
    mother = melati_everywhere
    before = (Response.objects.count(), Visit.objects.count(), Consultation.objects.count())
    mother_erase(mother=mother, by=None)
    after = (Response.objects.count(), Visit.objects.count(), Consultation.objects.count())
    assert after == before
    response = Response.objects.get(mother=mother)
    assert response.score_pct == 50.0
    assert response.answers["food_taboo_details"] == "[dihapus]"
    erased = Mother.objects.get(pk=mother.pk)
    assert erased.full_name == f"Anonim {erased.identifier}"
    assert erased.birth_date == date(1995, 1, 1)  # generalised to the year
    assert erased.parity == 1
    assert erased.restricted
    assert erased.anonymised_at
    assert Mother.objects.get(pk=world.mothers["mawar"].pk).full_name == "Dewi Mawar"
    assert database_hits(["Dewi Mawar"])  # nobody else was erased


def test_admin_log_of_erased_mother_keeps_no_name(world, melati_everywhere):
    mother_erase(mother=melati_everywhere, by=None)
    entry = LogEntry.objects.get(content_type=ContentType.objects.get_for_model(Mother))
    assert NAME.lower() not in entry.object_repr.lower()


def test_erasure_cli_requires_confirmation_and_is_logged(world, melati_everywhere):
    identifier = melati_everywhere.identifier
    with pytest.raises(Exception, match="--yes"):
        call_command("privacy", "erase", identifier)
    call_command("privacy", "erase", identifier, "--yes")
    assert Mother.objects.get(pk=melati_everywhere.pk).anonymised_at is not None
    assert database_hits([NAME]) == []

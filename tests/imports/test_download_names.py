"""Issue 16 (low): the uploaded file's name is quoted safely in Content-Disposition."""

from __future__ import annotations

from email.message import Message

import pytest
from django.urls import reverse

from laktasi.imports.services import importjob_create, importjob_preview
from tests.imports.conftest import FIXTURES


@pytest.mark.parametrize(
    ("name", "expected_start"),
    [
        ('daftar "ibu".csv', 'daftar "ibu"-ditolak'),
        ("daftar\r\nX-Injected: 1.csv", "daftar\r\nX-Injected: 1-ditolak"),
        ("data ibu Sukamaju – Ñoño.csv", "data ibu Sukamaju – Ñoño-ditolak"),
    ],
)
def test_low_upload_name_is_quoted_safely_in_content_disposition(
    world, client, name, expected_start
):
    source = FIXTURES / "mothers_messy_cp1252.csv"
    job = importjob_create(path=source, file_name=name, user=world.users["kader"],
                           facility=world.melati)  # fmt: skip
    importjob_preview(job=job)
    client.force_login(world.users["kader"])
    response = client.get(reverse("imports:rejected", args=[job.pk]))
    assert response.status_code == 200
    header = response["Content-Disposition"]
    assert "\n" not in header
    assert "\r" not in header
    assert "X-Injected" not in response.headers
    message = Message()
    message["Content-Disposition"] = header
    assert message.get_content_disposition() == "attachment"
    assert message.get_filename() == f"{expected_start}.xlsx"

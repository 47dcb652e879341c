"""The mapping page and the data-server pages, through the test client."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from laktasi.imports.mapping.models import ColumnMapping
from laktasi.imports.models import ImportJob, ImportStatus
from laktasi.imports.pull.models import ServerSource
from laktasi.instruments.models import Response
from tests.conftest import PASSWORD
from tests.imports.googleforms import all_correct, knowledge_rows, write_forms_csv
from tests.imports.servers import KOBO_TOKEN, running_servers
from tests.imports.test_pull import ROOT, kobo_sub
from tests.security.test_headers import INLINE_SCRIPT, STYLE_ATTRIBUTE

pytestmark = pytest.mark.django_db


def login(client, world, who):
    assert client.login(username=world.users[who].username, password=PASSWORD)


def upload_forms_file(client, world, tmp_path, rows=None):
    header, data = knowledge_rows({world.mothers["melati"].identifier: all_correct()})
    path = write_forms_csv(tmp_path / "Tes awal (Responses).csv", header, rows or data)
    upload = SimpleUploadedFile(path.name, path.read_bytes(), content_type="text/csv")
    response = client.post(
        reverse("imports:mapping_upload"), {"file": upload, "program": world.program.pk}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return ImportJob.objects.get(), header


def confirm_data(page_form, **changes):
    data = {}
    for name in page_form.fields:
        value = page_form[name].value()
        data[name] = "" if value is None else value
    data.update(changes)
    return data


def test_mapping_page_suggests_then_confirmed_mapping_imports(client, world, tmp_path):
    login(client, world, "coordinator")
    job, header = upload_forms_file(client, world, tmp_path)
    page = client.get(reverse("imports:mapping", args=[job.pk]))
    html = page.content.decode()
    assert "match 100 %" in html or "cocok 100 %" in html
    assert 'name="timepoint"' in html
    assert "ibu0@example.org" not in html  # emails are never shown
    assert INLINE_SCRIPT.findall(html) == []
    assert STYLE_ATTRIBUTE.findall(html) == []
    detail = client.get(reverse("imports:detail", args=[job.pk])).content.decode()
    assert reverse("imports:mapping", args=[job.pk]) in detail  # unconfirmed: sent back to it
    form = page.context["form"]
    # Without a timepoint the mapping is not accepted, and nothing is checked yet.
    refused = client.post(reverse("imports:mapping", args=[job.pk]), confirm_data(form))
    assert refused.status_code == 200
    assert refused.context["form"].errors
    response = client.post(
        reverse("imports:mapping", args=[job.pk]), confirm_data(form, timepoint="pre")
    )
    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.status, job.created, job.rejected) == (ImportStatus.PREVIEWED, 1, 0)
    client.post(reverse("imports:commit", args=[job.pk]))
    assert Response.objects.get().score_pct == 100
    assert ColumnMapping.objects.get().spec["timepoint"] == "pre"


def test_next_file_of_the_same_form_is_offered_the_saved_mapping(client, world, tmp_path):
    login(client, world, "coordinator")
    job, _header = upload_forms_file(client, world, tmp_path)
    form = client.get(reverse("imports:mapping", args=[job.pk])).context["form"]
    client.post(reverse("imports:mapping", args=[job.pk]), confirm_data(form, timepoint="post"))
    job.delete()
    job2, _header = upload_forms_file(client, world, tmp_path)
    page = client.get(reverse("imports:mapping", args=[job2.pk]))
    assert page.context["form"]["timepoint"].value() == "post"


def test_changing_the_instrument_refreshes_the_mapping_with_or_without_htmx(
    client, world, tmp_path
):
    login(client, world, "coordinator")
    job, _header = upload_forms_file(client, world, tmp_path)
    url = reverse("imports:mapping", args=[job.pk])
    fragment = client.get(url + "?instrument=milk_smoothness", HTTP_HX_REQUEST="true")
    assert fragment.context["form"].definition.id == "milk_smoothness"
    no_js = client.post(url, {"instrument": "family_support", "action": "instrument"})
    assert no_js.status_code == 302
    assert no_js.url.endswith("?instrument=family_support")


def test_unmapped_required_question_is_shown_and_refused(client, world, tmp_path):
    login(client, world, "coordinator")
    job, header = upload_forms_file(client, world, tmp_path)
    form = client.get(reverse("imports:mapping", args=[job.pk])).context["form"]
    position = header.index(next(h for h in header if h.startswith("3. ")))
    data = confirm_data(form, timepoint="pre", **{f"col_{position}": ""})
    page = client.post(reverse("imports:mapping", args=[job.pk]), data)
    assert page.status_code == 200
    assert "k03_water_hot_weather" in " ".join(page.context["form"].non_field_errors())
    assert page.context["unmapped"][0].id == "k03_water_hot_weather"
    job.refresh_from_db()
    assert not job.mapped.confirmed
    assert not Response.objects.exists()


def test_kader_cannot_pull_nor_see_servers_and_token_is_never_shown(client, world):
    with running_servers() as fake:
        login(client, world, "coordinator")
        add = reverse("imports:server_add") + f"?program={world.program.pk}"
        assert client.get(add).status_code == 200
        client.post(add, {"kind": "kobo", "base_url": fake.url, "form_id": "aXyz",
                          "secret": KOBO_TOKEN, "instrument": "knowledge_test"})  # fmt: skip
        source = ServerSource.objects.get()
        edit = client.get(reverse("imports:server_edit", args=[source.pk])).content.decode()
        assert KOBO_TOKEN not in edit
        fake.kobo_assets["aXyz"] = [kobo_sub(world.mothers["melati"].identifier, "pre", ROOT[0])]
        client.logout()
        login(client, world, "kader")
        assert client.get(reverse("imports:servers")).status_code == 404
        assert client.post(reverse("imports:server_pull", args=[source.pk])).status_code == 404
        client.logout()
        login(client, world, "bidan")
        pulled = client.post(reverse("imports:server_pull", args=[source.pk]))
        assert pulled.status_code == 302
        job = ImportJob.objects.get()
        assert (job.status, job.created) == (ImportStatus.PREVIEWED, 1)
        assert all(KOBO_TOKEN not in path for _m, path, _a in fake.requests)


def test_pull_failure_shows_the_server_and_writes_nothing(client, world):
    with running_servers() as fake:
        login(client, world, "coordinator")
        add = reverse("imports:server_add") + f"?program={world.program.pk}"
        client.post(add, {"kind": "kobo", "base_url": fake.url, "form_id": "aXyz",
                          "secret": "wrong", "instrument": ""})  # fmt: skip
        source = ServerSource.objects.get()
        page = client.post(reverse("imports:server_pull", args=[source.pk]), follow=True)
    text = page.content.decode()
    assert "127.0.0.1" in text
    assert "401" in text
    assert not ImportJob.objects.exists()

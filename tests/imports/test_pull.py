"""Pulling from KoboToolbox and ODK Central, against a local double of their APIs
(tests/imports/servers.py, which cites the documentation of each response shape)."""

from __future__ import annotations

import uuid
from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from laktasi.imports.models import ImportJob, ImportStatus
from laktasi.imports.pull import clients
from laktasi.imports.pull.clients import PullError
from laktasi.imports.pull.models import ServerKind, ServerSource
from laktasi.imports.pull.services import source_pull, source_save
from laktasi.imports.services import importjob_commit, importjob_preview
from laktasi.instruments import registry
from laktasi.instruments.models import Response
from tests.imports.servers import KOBO_TOKEN, ODK_EMAIL, ODK_PASSWORD, running_servers

pytestmark = pytest.mark.django_db

ROOT = [uuid.UUID(int=n) for n in range(1, 6)]


def knowledge_answers(correct: bool = True) -> dict[str, str]:
    return {
        it.id: ("true" if it.key else "false") if correct else ("false" if it.key else "true")
        for it in registry.get("knowledge_test").items
    }


def kobo_sub(ident, timepoint, root, *, instance=None, answers=None, status=None, n=1):
    """One record of KoboToolbox's /api/v2/assets/{uid}/data/ ``results``."""
    instance = instance or root
    record = {
        "_id": n, "formhub/uuid": "b6c9a1d2", "start": "2025-01-25T08:00:00.000+07:00",
        "end": "2025-01-25T08:20:00.000+07:00", "mother_id": ident, "timepoint": timepoint,
        **{f"grp_knowledge/{k}": v for k, v in (answers or knowledge_answers()).items()},
        "__version__": "vAbc123", "meta/instanceID": f"uuid:{instance}",
        "meta/rootUuid": f"uuid:{root}", "_xform_id_string": "aXyz", "_uuid": str(instance),
        "_attachments": [], "_status": "submitted_via_web", "_geolocation": [None, None],
        "_submission_time": "2025-01-25T01:21:00", "_tags": [], "_notes": [],
        "_validation_status": status or {}, "_submitted_by": None,
    }  # fmt: skip
    if instance != root:
        record["meta/deprecatedID"] = f"uuid:{root}"
    return record


def odk_sub(ident, timepoint, root, *, instance=None, answers=None, review=None, edits=0):
    """One entry of ODK Central's OData ``Submissions`` ``value`` (groups nested)."""
    return {
        "__id": f"uuid:{root}",
        "__system": {
            "submissionDate": "2025-01-25T01:30:00.000Z", "updatedAt": None,
            "submitterId": "5", "submitterName": "kader", "attachmentsPresent": 0,
            "attachmentsExpected": 0, "status": None, "reviewState": review,
            "deviceId": None, "edits": edits, "formVersion": "1",
        },
        "meta": {"instanceID": f"uuid:{instance or root}"},
        "mother_id": ident, "timepoint": timepoint,
        "grp_knowledge": answers or knowledge_answers(),
    }  # fmt: skip


def kobo_source(world, url, token=KOBO_TOKEN, asset="aXyz"):
    return source_save(
        user=world.users["coordinator"], program=world.program, kind=ServerKind.KOBO,
        base_url=url, form_id=asset, secret=token, instrument_id="knowledge_test",
    )  # fmt: skip


def pull_and_commit(source, user=None):
    job = source_pull(source=source, user=user)
    importjob_preview(job=job)
    importjob_commit(job=job)
    job.refresh_from_db()
    return job


def test_token_is_stored_encrypted_and_sent_only_in_the_header(world):
    with running_servers() as fake:
        source = kobo_source(world, fake.url)
        with connection.cursor() as cursor:
            cursor.execute("SELECT secret FROM imports_serversource WHERE id = %s", [source.pk])
            (stored,) = cursor.fetchone()
        assert KOBO_TOKEN not in stored
        assert ServerSource.objects.get().secret == KOBO_TOKEN
        fake.kobo_assets["aXyz"] = [kobo_sub(world.mothers["melati"].identifier, "pre", ROOT[0])]
        source_pull(source=source, user=world.users["coordinator"])
    assert fake.requests
    assert all(KOBO_TOKEN not in path for _m, path, _a in fake.requests)
    assert {auth for _m, _p, auth in fake.requests} == {f"Token {KOBO_TOKEN}"}


def test_kobo_pull_follows_pages_skips_not_approved_and_is_idempotent(world):
    melati, mawar = world.mothers["melati"].identifier, world.mothers["mawar"].identifier
    not_approved = {"uid": "validation_status_not_approved", "label": "Not approved"}
    with running_servers() as fake:
        fake.kobo_assets["aXyz"] = [
            kobo_sub(melati, "pre", ROOT[0], n=1),
            kobo_sub(melati, "post", ROOT[1], n=2),
            kobo_sub(mawar, "pre", ROOT[2], n=3, status=not_approved),
        ]
        source = kobo_source(world, fake.url)
        job = pull_and_commit(source)
        assert job.status == ImportStatus.COMMITTED, job.errors
        assert (job.rows_read, job.created) == (2, 2)
        assert (
            "1 kiriman yang ditandai Tidak disetujui / Ditolak di server tidak diikutkan."
            in job.notes
        )
        pages = [p for m, p, _a in fake.requests if "/data/" in p]
        assert len(pages) == 2  # page size 2: "next" followed once
        assert set(Response.objects.values_list("submission_uuid", flat=True)) == {ROOT[0], ROOT[1]}
        again = pull_and_commit(source)
    assert (again.rows_read, again.created, again.skipped) == (2, 0, 2)
    assert Response.objects.count() == 2
    assert ServerSource.objects.get().last_pulled_at is not None


def test_submission_edited_on_the_server_becomes_an_update_with_history(world):
    melati = world.mothers["melati"].identifier
    with running_servers() as fake:
        fake.kobo_assets["aXyz"] = [kobo_sub(melati, "pre", ROOT[0])]
        source = kobo_source(world, fake.url)
        pull_and_commit(source)
        edited = uuid.UUID(int=99)
        fake.kobo_assets["aXyz"] = [
            kobo_sub(melati, "pre", ROOT[0], instance=edited, answers=knowledge_answers(False))
        ]
        job = pull_and_commit(source)
        assert (job.created, job.rejected) == (0, 0)  # never a second record
        stored = Response.objects.get()
        assert stored.submission_uuid == ROOT[0]
        assert stored.score_pct == 0  # the edit (every answer changed) is applied...
        assert stored.history.count() >= 2  # ...and the imported version stays in the history
        again = pull_and_commit(source)  # pulling the same edit again changes nothing
    assert again.created == 0
    assert again.skipped == 1
    assert Response.objects.get().history.count() == stored.history.count()


def test_odk_central_pull_pages_with_top_skip_and_flattens_groups(world, monkeypatch):
    monkeypatch.setattr(clients, "ODK_PAGE", 2)
    melati, mawar = world.mothers["melati"].identifier, world.mothers["mawar"].identifier
    with running_servers() as fake:
        fake.odk_forms[("7", "laktasi_knowledge_test_v1")] = [
            odk_sub(melati, "pre", ROOT[0]),
            odk_sub(melati, "post", ROOT[1], instance=uuid.UUID(int=42), edits=1),
            odk_sub(mawar, "pre", ROOT[2]),
            odk_sub(mawar, "post", ROOT[3], review="rejected"),
        ]
        source = source_save(
            user=None, program=world.program, kind=ServerKind.ODK, base_url=fake.url + "/",
            project_id="7", form_id="laktasi_knowledge_test_v1", username=ODK_EMAIL,
            secret=ODK_PASSWORD,
        )  # fmt: skip
        job = pull_and_commit(source)
        requests = list(fake.requests)
    assert job.status == ImportStatus.COMMITTED, job.errors
    assert (job.rows_read, job.created) == (3, 3)
    assert Response.objects.get(submission_uuid=ROOT[1]).timepoint == "post"  # __id, not instanceID
    feed = [p for m, p, _a in requests if "Submissions" in p]
    assert len(feed) == 2
    assert "%24skip=2" in feed[1]
    assert requests[0][:2] == ("POST", "/v1/sessions")
    assert requests[-1][:2] == ("DELETE", "/v1/sessions/current")
    assert all(ODK_PASSWORD not in p for _m, p, _a in requests)


@pytest.mark.parametrize(
    ("case", "expected"),
    [("token", "401"), ("asset", "404"), ("password", "401")],
)
def test_auth_failure_and_unknown_form_give_a_clear_message_and_write_nothing(
    world, case, expected
):
    with running_servers() as fake:
        fake.kobo_assets["aXyz"] = [kobo_sub(world.mothers["melati"].identifier, "pre", ROOT[0])]
        if case == "password":
            source = source_save(
                user=None, program=world.program, kind=ServerKind.ODK, base_url=fake.url,
                project_id="7", form_id="f", username=ODK_EMAIL, secret="salah",
            )  # fmt: skip
        else:
            source = kobo_source(
                world, fake.url, token="wrong" if case == "token" else KOBO_TOKEN,
                asset="nope" if case == "asset" else "aXyz",
            )  # fmt: skip
        with pytest.raises(PullError) as info:
            source_pull(source=source, user=None)
    message = info.value.render()
    assert "127.0.0.1" in message
    assert expected in message
    assert "wrong" not in message
    assert "salah" not in message
    assert not ImportJob.objects.exists()
    assert not Response.objects.exists()


def test_timeout_and_unreachable_server_are_reported_in_indonesian(world, monkeypatch):
    monkeypatch.setattr(clients, "TIMEOUT_SECONDS", 0.3)
    with running_servers() as fake:
        fake.delay_seconds = 1.0
        source = kobo_source(world, fake.url)
        with pytest.raises(PullError) as slow:
            source_pull(source=source, user=None)
        fake.delay_seconds = 0
    assert "tidak menjawab" in slow.value.render()
    source.base_url = fake.url  # the server is stopped now: nothing listens on the port
    with pytest.raises(PullError) as gone:
        source_pull(source=source, user=None)
    assert "tidak dapat dihubungi" in gone.value.render()
    assert not ImportJob.objects.exists()


def test_kader_cannot_pull_and_only_coordinators_set_up_servers(world):
    with running_servers() as fake:
        source = kobo_source(world, fake.url)
        with pytest.raises(PermissionDenied):
            source_pull(source=source, user=world.users["kader"])
        with pytest.raises(PermissionDenied):
            kobo_source_by(world, fake.url, world.users["bidan"])


def kobo_source_by(world, url, user):
    return source_save(user=user, program=world.program, kind=ServerKind.KOBO, base_url=url,
                       form_id="aXyz", secret=KOBO_TOKEN)  # fmt: skip


def test_scheduled_pull_command_commits_and_reports_failures(world, capsys):
    with running_servers() as fake:
        fake.kobo_assets["aXyz"] = [kobo_sub(world.mothers["melati"].identifier, "pre", ROOT[0])]
        kobo_source(world, fake.url)
        call_command("imports", "pull", "--program", str(world.program.pk), "--lang", "en")
        assert "created 1" in capsys.readouterr().out
        call_command("imports", "pull", "--lang", "en")
        assert "skipped 1" in capsys.readouterr().out
        fake.kobo_assets["aXyz"].append(kobo_sub("LK-AAAAAAAA", "post", ROOT[1]))
        with pytest.raises(CommandError):
            call_command("imports", "pull", "--lang", "en")
        out = capsys.readouterr().out
        assert "row 3, column mother_id «LK-AAAAAAAA»: No mother with this laktasi ID" in out
        fake.kobo_assets["aXyz"].pop()
        ServerSource.objects.update(secret="wrong")  # the field encrypts it again
        with pytest.raises(CommandError):
            call_command("imports", "pull", "--lang", "en")
    assert "refused the token" in capsys.readouterr().err
    assert Response.objects.count() == 1


def test_server_token_is_rotated_with_the_field_keys(world, settings):
    source = kobo_source(world, "https://kf.kobotoolbox.org")
    old, new = settings.FIELD_ENCRYPTION_KEYS[0], Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new, old]
    call_command("rotate_keys", stdout=StringIO())
    settings.FIELD_ENCRYPTION_KEYS = [new]  # the old key is gone now
    assert ServerSource.objects.get(pk=source.pk).secret == KOBO_TOKEN


def test_server_without_submissions_says_so_and_creates_no_job(world):
    with running_servers() as fake:
        fake.kobo_assets["aXyz"] = []
        source = kobo_source(world, fake.url)
        with pytest.raises(ValidationError, match="belum memiliki kiriman"):
            source_pull(source=source, user=None)
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize(
    "address", ["http://kf.kobotoolbox.org", "ftp://kf.kobotoolbox.org", "file:///etc/passwd"]
)
def test_token_is_never_sent_in_clear_or_to_another_scheme(world, address):
    with pytest.raises(ValidationError, match="https://"):
        kobo_source(world, address)
    assert not ServerSource.objects.exists()

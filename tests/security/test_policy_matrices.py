"""Issue 16, proof generated from the URL conf rather than hand-picked.

- The **field matrix**: for every role and every surface (every page that takes an object of
  Siti Melati's, the edit form, the API, the FHIR bundle, her privacy export, the change
  history, every report file), the bytes of the answer hold her full NIK or phone number (in
  any of the ways they may be written) only when ``laktasi.accounts.policy`` allows it.
- The **restriction matrix**: once she restricted processing, or withdrew her consent, every
  read and write path of every non-administrator answers 404 or a refusal, and nothing is
  written.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import zipfile
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from laktasi.accounts import policy
from laktasi.accounts.invitations import invitation_issue
from laktasi.accounts.models import Invitation, User
from laktasi.api.models import ApiToken
from laktasi.api.services import token_create
from laktasi.followups.models import Visit
from laktasi.imports.models import ImportJob, ServerSource
from laktasi.instruments.models import Response
from laktasi.jobs.models import GeneratedFile
from laktasi.links.models import AnswerLink
from laktasi.links.services import answer_links_issue
from laktasi.materials.models import ProgramVideo
from laktasi.mothers.models import Baby, Companion, Consent, Mother
from laktasi.mothers.services import consent_record, mother_update
from laktasi.places.models import Facility
from laktasi.privacy.services import mother_restrict
from laktasi.programs.models import Attendance, Consultation, Enrollment, Program, Session
from tests.api.conftest import ApiClient
from tests.conftest import make_generated_file
from tests.security.test_url_matrix import model_for, object_routes, routes
from tests.web.helpers import client_for

ROLES = ["admin", "coordinator", "bidan", "kader", "kader_mawar", "viewer"]
NON_ADMIN = ROLES[1:]
OLD_NIK, NEW_NIK = "3523120101950001", "3523120101950009"
OLD_PHONE, NEW_PHONE, COMPANION_PHONE = "081234567890", "081298765432", "08129999999"
# Plain routes whose GET has a side effect or is not a page (tested elsewhere).
SKIP_PLAIN = {"logout", "accounts:logout", "set_language", "api-1.0.0:openapi-json"}
ROW_FORMATS = ("xlsx", "csv", "sav")
FILE_FORMATS = ("pdf", "docx", "html", *ROW_FORMATS)


def written_forms(number: str) -> set[bytes]:
    """The ways a NIK or phone number may be rendered: plain, grouped, international."""
    forms = {number, " ".join(number[i : i + 4] for i in range(0, len(number), 4))}
    if number.startswith("0"):
        forms |= {"62" + number[1:], "+62" + number[1:], f"{number[:4]}-{number[4:8]}-{number[8:]}"}
    return {f.encode() for f in forms}


SECRETS = set().union(
    *(written_forms(n) for n in (OLD_NIK, NEW_NIK, OLD_PHONE, NEW_PHONE, COMPANION_PHONE))
)


def readable(content: bytes) -> list[bytes]:
    """The bytes of an answer as a person would read them: zip members (xlsx, docx, csv
    zips) unpacked, PDFs turned into text (poppler's pdftotext)."""
    if content.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(content)) as zf:
            return [content, *(zf.read(name) for name in zf.namelist())]
    if content.startswith(b"%PDF"):
        assert shutil.which("pdftotext"), "poppler-utils is needed to read PDFs back"
        text = subprocess.run(
            ["pdftotext", "-", "-"], input=content, capture_output=True, check=True
        ).stdout
        return [content, text, text.replace(b" ", b"")]
    return [content]


def leaks(content: bytes) -> set[str]:
    found = set()
    for part in readable(content):
        found |= {s.decode() for s in SECRETS if s in part}
    return found


def _job(world) -> ImportJob:
    job = ImportJob(
        kind="mothers",
        file_name="m.csv",
        file_sha256="1" * 64,
        file_size=1,
        facility=world.melati,
        created_by=world.users["admin"],
    )
    job.file.save("m.csv", ContentFile(b"nama\n"), save=False)
    job.save()
    return job


@pytest.fixture
def melati_objects(world, settings, tmp_path) -> dict[type, object]:
    """One object of every kind belonging to Siti Melati (or her program), with a change
    history holding an old and a new NIK and phone number."""
    settings.MEDIA_ROOT = tmp_path
    mother = world.mothers["melati"]
    admin = world.users["admin"]
    mother_update(mother=mother, by=admin, nik=NEW_NIK, phone=NEW_PHONE)
    baby = mother.babies.get()
    session = Session.objects.create(
        program=world.program,
        starts_at=datetime(2025, 1, 25, 9, tzinfo=ZoneInfo("Asia/Jakarta")),
        venue="Balai Desa Tasikharjo",
        facilitator="Bidan",
    )
    Attendance.objects.create(session=session, mother=mother, companion_present=False)
    link = answer_links_issue(
        session=session, mothers=[mother], instrument_id="knowledge_test", timepoint="pre", by=admin
    ).links[0]
    return {
        User: world.users["kader"],
        GeneratedFile: make_generated_file(admin),
        ServerSource: ServerSource.objects.create(
            program=world.program,
            kind="kobo",
            base_url="https://kf.kobotoolbox.org",
            form_id="aMelati",
            secret="token-melati",
        ),  # fmt: skip
        AnswerLink: link,
        Invitation: invitation_issue(by=admin, role="kader")[0],
        Facility: world.puskesmas,
        ApiToken: token_create(user=admin, name="admin's phone")[0],
        ImportJob: _job(world),
        Mother: mother,
        Baby: baby,
        Program: world.program,
        Session: session,
        ProgramVideo: ProgramVideo.objects.create(
            program=world.program, title="Pijat oksitosin", url="https://example.org/v"
        ),
        Response: Response.objects.create(
            mother=mother,
            program=world.program,
            instrument_id="knowledge_test",
            instrument_version="1",
            timepoint="pre",
            source="web",
            answers={},
        ),
        Consultation: Consultation.objects.create(
            mother=mother, question="ASI sedikit", advice="-"
        ),
        Visit: Visit.objects.create(
            baby=baby,
            key="k1",
            number=1,
            due_date=date(2025, 1, 17),
            window_start=date(2025, 1, 15),
            window_end=date(2025, 1, 20),
        ),
    }


def object_urls(objects) -> list[tuple[str, str]]:
    urls = []
    for route in object_routes():
        kwargs = {}
        for kwarg in route.kwargs:
            kwargs[kwarg] = (
                objects[model_for(route, kwarg)].pk
                if kwarg in route.int_kwargs
                else {"instrument_id": "knowledge_test", "timepoint": "pre"}[kwarg]
            )
        urls.append((route.name, reverse(route.name, kwargs=kwargs)))
    return urls


def plain_urls() -> list[tuple[str, str]]:
    return [
        (r.name, reverse(r.name))
        for r in routes()
        if not r.kwargs and r.namespace != "admin" and r.name not in SKIP_PLAIN
    ]


def api_answers(api: ApiClient, objects) -> dict[str, bytes]:
    mother, visit, session = objects[Mother], objects[Visit], objects[Session]
    return {
        "api mothers": api.get("/api/mothers").content,
        "api search": api.post("/api/mothers/search", {"search": "Siti"}).content,
        "api mother": api.get(f"/api/mothers/{mother.pk}").content,
        "api responses": api.get("/api/responses").content,
        "api visits": api.get("/api/visits").content,
        "api visit": api.get(f"/api/visits/{visit.pk}").content,
        "api tasks": api.get("/api/tasks").content,
        "api attendance": api.get(f"/api/sessions/{session.pk}/attendance").content,
        "fhir bundle": api.get("/api/fhir/Bundle").content,
    }


@pytest.mark.parametrize("role", ROLES)
def test_field_matrix_full_nik_and_phone_only_where_the_policy_allows(world, melati_objects, role):
    user = world.users[role]
    client = client_for(user)
    answers: dict[str, bytes] = {}
    for name, url in [*object_urls(melati_objects), *plain_urls()]:
        answers[f"page {name}"] = client.get(url).content
    program_url = reverse("reports:program", args=[world.program.pk])
    for fmt in FILE_FORMATS:
        answers[f"report {fmt}"] = client.get(program_url, {"format": fmt, "lang": "id"}).content
    api = ApiClient(token_create(user=user, name="matrix")[1])
    for fmt in FILE_FORMATS:
        answers[f"api report {fmt}"] = api.get(
            f"/api/programs/{world.program.pk}/report", format=fmt
        ).content
    answers.update(api_answers(api, melati_objects))

    found = {surface: leaks(content) for surface, content in answers.items()}
    found = {surface: secrets for surface, secrets in found.items() if secrets}
    if policy.sees_full_identifiers(user):
        # Not vacuous: where she is allowed, the full values are really there.
        for surface in ("page mothers:edit", "api mother", "page privacy:export_json"):
            assert NEW_NIK in found.get(surface, set()), surface
            assert NEW_PHONE in found.get(surface, set()), surface
        assert OLD_NIK in found["page privacy:history"]
        assert json.loads(answers["api mother"])["nik"] == NEW_NIK
    else:
        assert found == {}


def _snapshot(mother: Mother) -> dict[str, object]:
    row = Mother.objects.filter(pk=mother.pk).values(
        "full_name", "phone", "facility_id", "parity", "updated_at"
    )[0]
    return {
        "mother": row,
        "babies": Baby.objects.count(),
        "companions": Companion.objects.count(),
        "consents": Consent.objects.count(),
        "responses": Response.objects.count(),
        "answers": list(Response.objects.order_by("pk").values_list("answers", flat=True)),
        "visits done": Visit.objects.filter(done_on__isnull=False).count(),
        "consultations": Consultation.objects.count(),
        "attendance": Attendance.objects.count(),
        "enrollments": Enrollment.objects.count(),
    }


def _block(state: str, mother: Mother, admin) -> None:
    if state == "restricted":
        mother_restrict(mother=mother, by=admin)
    else:
        consent_record(mother=mother, recorded_by=admin, text_version="1", action="withdrawn")


MOTHER_MODELS = {Mother, Baby, Response, Visit, Consultation}


@pytest.mark.parametrize("state", ["restricted", "withdrawn"])
@pytest.mark.parametrize("role", NON_ADMIN)
def test_restriction_matrix_every_path_answers_404_and_writes_nothing(
    world, melati_objects, role, state
):
    user = world.users[role]
    mother = melati_objects[Mother]
    client = client_for(user)
    urls = [
        (name, url)
        for name, url in object_urls(melati_objects)
        if any(
            model_for(r, k) in MOTHER_MODELS
            for r in object_routes()
            if r.name == name
            for k in r.int_kwargs
        )  # fmt: skip
    ]
    before = {name: client.get(url).status_code for name, url in urls}
    reachable = {name for name, status in before.items() if status in {200, 302}}
    if role in {"coordinator", "bidan", "kader"}:
        assert {"mothers:detail", "mothers:edit", "followups:baby"} <= reachable
    _block(state, mother, world.users["admin"])
    snapshot = _snapshot(mother)

    failures = []
    for name, url in urls:
        get, post = client.get(url), client.post(url, {"q": "x", "question": "x", "advice": "x"})
        if get.status_code not in {404, 405} or post.status_code not in {404, 405}:
            failures.append(f"{name}: GET {get.status_code} POST {post.status_code}")
    api = ApiClient(token_create(user=user, name="matrix")[1])
    visit, session = melati_objects[Visit], melati_objects[Session]
    for label, answer in {
        "GET mother": api.get(f"/api/mothers/{mother.pk}"),
        "PATCH mother": api.patch(f"/api/mothers/{mother.pk}", {"parity": 3}, {"If-Match": "*"}),
        "POST consent": api.post(f"/api/mothers/{mother.pk}/consents", {"text_version": "1"}),
        "GET visit": api.get(f"/api/visits/{visit.pk}"),
        "POST visit": api.post(
            f"/api/visits/{visit.pk}/record", {"done_on": "2025-01-17", "mode": "home"}
        ),  # fmt: skip
        "POST response": api.post(
            "/api/responses",
            {
                "mother": mother.pk,
                "instrument_id": "knowledge_test",
                "timepoint": "post",
                "answers": {},
            },
        ),  # fmt: skip
        "POST attendance": api.post(
            f"/api/sessions/{session.pk}/attendance", {"mother": mother.pk}
        ),  # fmt: skip
    }.items():
        if answer.status_code not in {403, 404}:
            failures.append(f"api {label}: {answer.status_code}")
    for path in ("/api/mothers", "/api/responses", "/api/visits", "/api/tasks"):
        body = api.get(path).content
        if mother.identifier.encode() in body or f'"mother": {mother.pk},'.encode() in body:
            failures.append(f"api {path} lists her")
    searched = api.post("/api/mothers/search", {"search": "Siti Melati"}).content
    if mother.identifier.encode() in searched:
        failures.append("api search finds her")
    assert failures == []
    assert _snapshot(mother) == snapshot


@pytest.mark.parametrize("state", ["restricted", "withdrawn"])
def test_restriction_matrix_administrators_still_reach_her(world, melati_objects, state):
    _block(state, melati_objects[Mother], world.users["admin"])
    client = client_for(world.users["admin"])
    assert (
        client.get(reverse("mothers:detail", args=[melati_objects[Mother].pk])).status_code == 200
    )

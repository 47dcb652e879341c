"""Role × view × object: every URL pattern that takes an object's pk, tried with an object
outside the user's scope (404 for every role but the administrator, with no leak in the page)
and, as administrator, with the same object (not a 404, so the check is not vacuous).

The patterns come from the URL conf (``get_resolver()``), so a new view is covered at once. A
pk kwarg is matched to its model by ``<model>_pk`` naming, or by PK_MODELS below; a pattern
whose kwargs cannot be matched fails ``test_every_object_url_is_covered`` until it is added
here, either to PK_MODELS / SAMPLE_VALUES or to EXEMPT with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from laktasi.accounts.invitations import invitation_issue
from laktasi.accounts.models import Invitation, Role, User
from laktasi.api.models import ApiToken
from laktasi.api.services import token_create
from laktasi.followups.models import Visit
from laktasi.imports.models import ImportJob, ServerSource
from laktasi.instruments.models import Response
from laktasi.jobs.models import GeneratedFile
from laktasi.links.models import AnswerLink
from laktasi.materials.models import ProgramVideo
from laktasi.mothers.models import Baby, Mother
from laktasi.places.models import Facility
from laktasi.programs.models import Consultation, Program, Session
from tests.conftest import PASSWORD, make_generated_file, make_user

# The model behind a plain ``pk``, by URL name, or by namespace for all of its URLs.
PK_MODELS: dict[str, type] = {
    "mothers": Mother,
    "privacy": Mother,
    "programs:detail": Program,
    "programs:register_mother": Program,
    "programs:session": Session,
    "programs:attendance_toggle": Session,
    "programs:consultation": Consultation,
    "instruments:response": Response,
    "instruments:edit": Response,
    "followups:record": Visit,
    "followups:whatsapp": Visit,
    "followups:baby": Baby,
    "imports": ImportJob,
    "imports:server_edit": ServerSource,
    "imports:server_pull": ServerSource,
    "imports:server_delete": ServerSource,
    "reports:program": Program,
    "api_token_revoke": ApiToken,
    "accounts:invitation_revoke": Invitation,
    "materials:program_leaflet": Program,
    "materials:program_videos": Program,
    "materials:video": ProgramVideo,
    "links:session": Session,
    "links:issue": Session,
    "links:sheet": Session,
    "links:csv": Session,
    "links:group": Session,
    "links:settings": Program,
    "jobs:file": GeneratedFile,  # a file made on the queue: its owner only
    "jobs:file_download": GeneratedFile,
    "satusehat": Facility,  # administrators only: a reporting facility's SATUSEHAT page
}
# Values for kwargs that are not object keys.
SAMPLE_VALUES = {"instrument_id": "knowledge_test", "timepoint": "pre"}
# Whole namespaces or URL names left out, with the reason.
EXEMPT = {
    "admin": "Django admin: its querysets go through ScopedAdmin (mothers/admin_scoping.py), "
    "tested in tests/mothers/test_scoping.py; every admin page is behind is_staff.",
}
# Roles that may see every program's aggregates (viewers: counts only, never names).
PROGRAM_FOR_ALL = {"viewer"}
PROGRAM_LEVEL = {Program, Session, ProgramVideo}  # no personal data


@dataclass(frozen=True)
class Route:
    name: str
    namespace: str
    kwargs: tuple[str, ...]
    int_kwargs: tuple[str, ...]


def routes() -> list[Route]:
    found = []

    def walk(resolver, namespace):
        for item in resolver.url_patterns:
            if isinstance(item, URLResolver):
                walk(item, item.namespace or namespace)
            elif isinstance(item, URLPattern) and item.name:
                converters = item.pattern.converters
                found.append(
                    Route(
                        name=f"{namespace}:{item.name}" if namespace else item.name,
                        namespace=namespace or "",
                        kwargs=tuple(converters),
                        int_kwargs=tuple(
                            k for k, c in converters.items() if type(c).__name__ == "IntConverter"
                        ),
                    )
                )

    walk(get_resolver(), None)
    return found


def object_routes() -> list[Route]:
    return [
        r for r in routes() if r.int_kwargs and r.namespace not in EXEMPT and r.name not in EXEMPT
    ]


def model_for(route: Route, kwarg: str):
    if kwarg == "pk":
        return PK_MODELS.get(route.name) or PK_MODELS.get(route.namespace)
    if kwarg.endswith("_pk"):
        wanted = kwarg[:-3].replace("_", "")
        matches = [m for m in apps.get_models() if m._meta.model_name == wanted]
        return matches[0] if len(matches) == 1 else None
    return None


def test_every_object_url_is_covered():
    unknown = []
    for route in object_routes():
        for kwarg in route.kwargs:
            if (
                kwarg in route.int_kwargs
                and model_for(route, kwarg) is None
                or kwarg not in route.int_kwargs
                and kwarg not in SAMPLE_VALUES
            ):
                unknown.append(f"{route.name} <{kwarg}>")
    assert unknown == [], (
        "Map these URL kwargs in tests/security/test_url_matrix.py (PK_MODELS, SAMPLE_VALUES "
        "or EXEMPT with a reason): " + ", ".join(unknown)
    )


@pytest.fixture
def kenanga_objects(world, settings, tmp_path) -> dict[type, object]:
    """One object of every kind, all belonging to Kenanga or to the administrator (outside
    every non-admin scope)."""
    settings.MEDIA_ROOT = tmp_path
    mother = world.mothers["kenanga"]
    baby = mother.babies.get()
    program = Program.objects.create(
        title="Program Kenanga",
        organiser="Tim",
        kind=world.program.kind,
        facility=world.kenanga,
        start_date=date(2025, 2, 1),
    )
    program.enrollments.create(mother=mother)
    session = Session.objects.create(
        program=program,
        starts_at=datetime(2025, 2, 1, 9, tzinfo=ZoneInfo("Asia/Jakarta")),
        venue="Balai Desa Tegalrejo",
        facilitator="Bidan",
    )
    response = Response.objects.create(
        mother=mother,
        program=program,
        instrument_id="knowledge_test",
        instrument_version="1",
        timepoint="pre",
        source="web",
        answers={},
    )
    link = AnswerLink.objects.create(
        session=session,
        mother=mother,
        instrument_id="knowledge_test",
        instrument_version="1",
        timepoint="pre",
        salt="kenanga-salt",
        token_hash="0" * 64,
        short_code="KKKKK",
        expires_at=session.starts_at,
    )
    job = ImportJob(
        kind="mothers",
        file_name="kenanga.csv",
        file_sha256="0" * 64,
        file_size=1,
        facility=world.kenanga,
        created_by=world.users["admin"],
    )
    job.file.save("kenanga.csv", ContentFile(b"nama\n"), save=False)
    job.save()
    source = ServerSource.objects.create(
        program=program, kind="kobo", base_url="https://kf.kobotoolbox.org", form_id="aKenanga",
        secret="token-kenanga",
    )  # fmt: skip
    # A kader of another puskesmas's posyandu: only administrators manage accounts.
    kader_tegal = make_user("kader-tegal", Role.CADRE)
    world.kenanga.staff.add(kader_tegal)
    return {
        User: kader_tegal,
        GeneratedFile: make_generated_file(world.users["admin"]),
        ServerSource: source,
        ApiToken: token_create(user=world.users["admin"], name="admin's phone")[0],
        Invitation: invitation_issue(by=world.users["admin"], role="kader")[0],
        Facility: world.other_puskesmas,
        ImportJob: job,
        Mother: mother,
        Baby: baby,
        Program: program,
        Session: session,
        ProgramVideo: ProgramVideo.objects.create(
            program=program, title="Pijat oksitosin", url="https://example.org/v"
        ),
        Response: response,
        AnswerLink: link,
        Consultation: Consultation.objects.create(
            mother=mother, question="Rina Kenanga bertanya", advice="-"
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


def _url(route: Route, objects) -> str:
    kwargs = {}
    for kwarg in route.kwargs:
        if kwarg in route.int_kwargs:
            kwargs[kwarg] = objects[model_for(route, kwarg)].pk
        else:
            kwargs[kwarg] = SAMPLE_VALUES[kwarg]
    return reverse(route.name, kwargs=kwargs)


@pytest.mark.parametrize("role", ["coordinator", "bidan", "kader", "kader_mawar", "viewer"])
def test_objects_outside_the_scope_are_404_on_every_view(client, world, kenanga_objects, role):
    client.login(username=world.users[role].username, password=PASSWORD)
    failures = []
    for route in object_routes():
        models = {model_for(route, k) for k in route.int_kwargs}
        if role in PROGRAM_FOR_ALL and models <= PROGRAM_LEVEL:
            continue
        url = _url(route, kenanga_objects)
        get, post = client.get(url), client.post(url, {})
        statuses = {get.status_code, post.status_code}
        if 404 not in statuses or not statuses <= {404, 405}:
            failures.append(f"{route.name} {url}: GET {get.status_code} POST {post.status_code}")
        for response in (get, post):
            if b"Rina Kenanga" in response.content or b"Kenanga" in response.content:
                failures.append(f"{route.name} {url}: the page names the out-of-scope record")
    assert failures == []


def test_the_administrator_reaches_the_same_objects(client, world, kenanga_objects):
    client.login(username="admin", password=PASSWORD)
    failures = []
    for route in object_routes():
        url = _url(route, kenanga_objects)
        status = client.get(url).status_code
        if status in {404, 500}:
            failures.append(f"{route.name} {url}: GET {status}")
    assert failures == []


def test_a_cadre_of_another_posyandu_cannot_open_melati(client, world):
    client.login(username="kader-mawar", password=PASSWORD)
    mother = world.mothers["melati"]
    for route in object_routes():
        if route.int_kwargs == ("pk",) and model_for(route, "pk") is Mother:
            response = client.get(reverse(route.name, kwargs={"pk": mother.pk}))
            assert response.status_code in {404, 405}, route.name


@pytest.mark.parametrize("role", ["kader", "kader_mawar", "bidan", "coordinator", "viewer"])
def test_no_leak_in_lists_searches_and_counts(client, world, role):
    client.login(username=world.users[role].username, password=PASSWORD)
    for url in ("/", reverse("mothers:list"), "/?q=Rina", reverse("mothers:list") + "?q=Rina"):
        response = client.get(url)
        assert b"Rina Kenanga" not in response.content, url
    # The search page repeats the query typed; what must not appear is her record.
    kenanga = world.mothers["kenanga"]
    search = client.post(reverse("mothers:search"), {"q": "Rina Kenanga"}, follow=True)
    assert kenanga.identifier.encode() not in search.content
    assert reverse("mothers:detail", args=[kenanga.pk]).encode() not in search.content


# First-day setup (issue 23): who opens each page without an object, by role. The pages that
# take a user (move, deactivate) are in the object matrix above through ``user_pk``.
SETUP_PAGES = {
    "setup:index": {"admin"},
    "setup:facility_new": {"admin"},
    "setup:staff": {"admin"},
    "setup:program_new": {"admin", "coordinator", "bidan"},
    "accounts:invitation_issue": {"admin"},
}


def test_every_setup_url_is_in_the_role_matrix():
    setup = {r.name for r in routes() if r.namespace == "setup" and not r.int_kwargs}
    assert setup - {"setup:invitation_whatsapp"} <= set(SETUP_PAGES)


@pytest.mark.parametrize(
    "role", ["admin", "coordinator", "bidan", "kader", "kader_mawar", "viewer"]
)
def test_setup_pages_by_role(client, world, role):
    client.login(username=world.users[role].username, password=PASSWORD)
    failures = []
    for name, allowed in SETUP_PAGES.items():
        status = client.get(reverse(name)).status_code
        if (status == 200) != (role in allowed) or status not in {200, 404}:
            failures.append(f"{name}: {status}")
    # The WhatsApp share is a POST from the invitation page, for administrators only.
    _inv, raw = invitation_issue(by=world.users["admin"], role="kader")
    share = client.post(reverse("setup:invitation_whatsapp"), {"token": raw})
    if (share.status_code == 302) != (role == "admin"):
        failures.append(f"setup:invitation_whatsapp: {share.status_code}")
    # Deactivating or moving someone is refused to all but administrators, and changes nothing.
    kader = world.users["kader"]
    for name in ("setup:staff_deactivate", "setup:staff_move"):
        answer = client.post(reverse(name, args=[kader.pk]), {"posyandu": world.mawar.pk})
        if role != "admin" and answer.status_code != 404:
            failures.append(f"{name}: POST {answer.status_code}")
    assert failures == []
    if role != "admin":
        kader.refresh_from_db()
        assert kader.is_active
        assert list(kader.facilities.all()) == [world.melati]

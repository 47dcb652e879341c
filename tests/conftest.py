"""Shared fixtures: a small world with two puskesmas, three posyandu and users of every role."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

import pytest
from django.db import transaction
from django.test import override_settings

from laktasi.accounts.models import Role, User
from laktasi.demo.loader import demo_load
from laktasi.mothers.models import Mother
from laktasi.mothers.services import mother_register
from laktasi.places.models import Facility, FacilityKind, Region
from laktasi.programs.models import Program
from laktasi.programs.services import program_create

PASSWORD = "test-password-123"


FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = FAST_HASHER


@pytest.fixture(autouse=True)
def _no_two_factor(settings):
    """Most tests log in with a password only; tests/security turns 2FA back on to show that
    administrators and coordinators are sent to TOTP setup/verification first."""
    settings.TWO_FACTOR_REQUIRED = False


@pytest.fixture(autouse=True)
def _jobs_in_the_request(settings):
    """A worker cannot see a test's uncommitted data: run queued work (imports, pulls, report
    files) inside the request, through the same task code (django-tasks' immediate backend).
    tests/imports/test_background.py and tests/jobs run them through the database queue and
    a worker (transactional tests)."""
    settings.JOBS_INLINE = True


def make_regions() -> dict[str, Region]:
    rows = [
        ("35", "Jawa Timur", 1, None),
        ("35.23", "Kabupaten Tuban", 2, "35"),
        ("35.23.12", "Jenu", 3, "35.23"),
        ("35.23.12.2005", "Tasikharjo", 4, "35.23.12"),
        ("35.23.12.2016", "Jenu", 4, "35.23.12"),
        ("35.23.11", "Merakurak", 3, "35.23"),
        ("35.23.11.2001", "Tegalrejo", 4, "35.23.11"),
    ]
    regions = {}
    for code, name, level, parent in rows:
        regions[code], _ = Region.objects.get_or_create(
            code=code, defaults={"name": name, "level": level, "parent_id": parent}
        )
    return regions


@dataclass
class World:
    regions: dict[str, Region]
    puskesmas: Facility
    other_puskesmas: Facility
    melati: Facility
    mawar: Facility
    kenanga: Facility
    users: dict[str, User]
    mothers: dict[str, Mother]
    program: Program


def make_user(username: str, role: str, **extra) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, role=role, **extra)
    return user


def register(name: str, facility: Facility, village: Region, nik: str = "") -> Mother:
    return mother_register(
        registered_by=None,
        full_name=name,
        birth_date=date(1995, 5, 1),
        village=village,
        facility=facility,
        parity=1,
        nik=nik,
        phone="081234567890",
        baby={"birth_date": date(2025, 1, 10), "sex": "F", "birth_weight_g": 3100},
        companion={"relationship": "husband", "name": f"Suami {name}", "phone": "08129999999"},
        consent={"text_version": "1"},
    )


@pytest.fixture
def world(db) -> World:
    regions = make_regions()
    tasik, jenu, tegal = (
        regions["35.23.12.2005"],
        regions["35.23.12.2016"],
        regions["35.23.11.2001"],
    )
    puskesmas = Facility.objects.create(kind=FacilityKind.PUSKESMAS, name="Jenu", village=jenu)
    other = Facility.objects.create(kind=FacilityKind.PUSKESMAS, name="Merakurak", village=tegal)
    melati = Facility.objects.create(
        kind=FacilityKind.POSYANDU, name="Melati", village=tasik, puskesmas=puskesmas
    )
    mawar = Facility.objects.create(
        kind=FacilityKind.POSYANDU, name="Mawar", village=jenu, puskesmas=puskesmas
    )
    kenanga = Facility.objects.create(
        kind=FacilityKind.POSYANDU, name="Kenanga", village=tegal, puskesmas=other
    )
    users = {
        "admin": make_user("admin", Role.ADMIN, is_staff=True, is_superuser=True),
        "coordinator": make_user("koordinator", Role.COORDINATOR),
        "bidan": make_user("bidan", Role.MIDWIFE),
        "kader": make_user("kader", Role.CADRE),
        "kader_mawar": make_user("kader-mawar", Role.CADRE),
        "viewer": make_user("viewer", Role.VIEWER),
    }
    puskesmas.staff.add(users["bidan"])
    melati.staff.add(users["kader"])
    mawar.staff.add(users["kader_mawar"])
    mothers = {
        "melati": register("Siti Melati", melati, tasik, nik="3523120101950001"),
        "mawar": register("Dewi Mawar", mawar, jenu),
        "kenanga": register("Rina Kenanga", kenanga, tegal),
    }
    program = program_create(
        title="Program Tasikharjo",
        organiser="Tim",
        kind="community_service",
        facility=melati,
        start_date=date(2025, 1, 25),
        villages=[tasik],
        team=[users["coordinator"]],
    )
    program.enrollments.create(mother=mothers["melati"])
    return World(regions, puskesmas, other, melati, mawar, kenanga, users, mothers, program)


def make_generated_file(owner: User):
    """A report file made on the queue for ``owner``, ready to download (stored encrypted)."""
    from django.core.files.base import ContentFile

    from laktasi.core import crypto
    from laktasi.jobs import files
    from laktasi.jobs.models import FileState, GeneratedFile

    gf = GeneratedFile.objects.create(
        owner=owner, kind="program_report", params={}, state=FileState.DONE,
        file_name="laporan.csv", content_type="text/csv",
    )  # fmt: skip
    data = files.MAGIC + crypto.keyring().encrypt(b"indikator,nilai\n")
    gf.file.save(f"{gf.token}.bin", ContentFile(data), save=True)
    return gf


@contextmanager
def loaded_for_the_module(django_db_blocker, load: Callable[[], object]) -> Iterator[None]:
    """Run ``load`` once for a module's tests, in a transaction rolled back after its last test.

    Each test's own transaction (the ``db`` fixture) is a savepoint inside this one, so what a
    test writes is still undone after it, and the next module starts from an empty database.
    For the modules that only read the demo: loading it takes seconds, its tests milliseconds.
    Not for ``transactional_db`` tests, which empty the database themselves."""
    # As the autouse fixtures below set them for each test (they are function-scoped, so not
    # yet active here): the demo's passwords must check under the tests' hasher.
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHER,
                                                        TWO_FACTOR_REQUIRED=False, JOBS_INLINE=True):  # fmt: skip
        outer = transaction.atomic()
        outer.__enter__()
        load()
        # Check the loaded rows' deferred foreign keys now, in the outer transaction: left
        # pending, PostgreSQL would check them all again at every test's end (each test's
        # rolled-back savepoint puts them back in the queue).
        transaction.get_connection().check_constraints()
    try:
        yield
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def regions_and_demo() -> None:
    """The demo on the few regions it needs (``make_regions``; the full country load is
    tested in tests/places)."""
    make_regions()
    demo_load()


def module_data_fixture(load: Callable[[], object]):
    """A module-scoped fixture that runs ``load`` once for the module's tests
    (:func:`loaded_for_the_module`); a test asks for it next to ``db``."""

    @pytest.fixture(scope="module")
    def data_of_the_module(django_db_setup, django_db_blocker):
        with loaded_for_the_module(django_db_blocker, load):
            yield

    return data_of_the_module


def pytest_terminal_summary(terminalreporter):
    """The accessibility audit's figures (tests/e2e/test_a11y_axe_audit.py), printed whatever the -s/-q options;
    read from the test reports' properties, so they reach the summary under xdist too."""
    printed = set()
    for reports in terminalreporter.stats.values():
        for report in reports:
            for name, value in getattr(report, "user_properties", ()):
                if name == "a11y_audit" and getattr(report, "nodeid", "") not in printed:
                    printed.add(getattr(report, "nodeid", ""))
                    terminalreporter.write_sep("-", "accessibility audit (axe-core)")
                    for key, figure in json.loads(value).items():
                        terminalreporter.write_line(f"{key}: {figure}")


# Fixtures through which a test reaches the database (pytest-django blocks every other way).
_DB_FIXTURES = {"db", "transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback",
                "live_server"}  # fmt: skip


def pytest_addoption(parser):
    parser.addoption(
        "--database-tests-only",
        action="store_true",
        help="run only the tests that can reach the database (the PostgreSQL step of make test: "
        "a test pytest-django keeps away from the database gives the same result on both, "
        "and already ran in the SQLite step), and none marked once_per_run",
    )


def _reaches_database(item) -> bool:
    if item.get_closest_marker("once_per_run"):
        return False
    if item.get_closest_marker("own_database"):
        return True
    return bool(item.get_closest_marker("django_db")) or bool(
        _DB_FIXTURES & set(getattr(item, "fixturenames", ()))
    )


def pytest_collection_modifyitems(config, items):
    # The slow tests start first (the sort is stable): one of them started last would leave
    # the other test processes idle at the end of the run while it finishes.
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)
    if not config.getoption("--database-tests-only"):
        return
    kept = [item for item in items if _reaches_database(item)]
    deselected = [item for item in items if not _reaches_database(item)]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept

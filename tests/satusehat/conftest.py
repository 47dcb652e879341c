"""A facility linked to the SATUSEHAT double, with contacts of every kind."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from laktasi.followups.models import Visit
from laktasi.mothers.models import Mother
from laktasi.programs.models import Consultation, Session
from laktasi.programs.services import attendance_record, session_create
from laktasi.satusehat.models import FacilityLink
from laktasi.satusehat.services import health_worker_nik_set, link_configure
from tests.conftest import World, register
from tests.satusehat.double import Double, Server

SECRET = "s3cret-Value-never-printed"
MOTHER_NIK = "3523120101950001"
SECOND_NIK = "3523120202960002"
RESTRICTED_NIK = "3523120303970003"
BIDAN_NIK = "3523124107800009"
WIB = dt.timezone(dt.timedelta(hours=7))


@pytest.fixture(autouse=True)
def _fast_retries(settings):
    settings.SATUSEHAT_BACKOFF = 0
    settings.SATUSEHAT_TIMEOUT = 1
    settings.SATUSEHAT_RETRIES = 3
    settings.SATUSEHAT_BUNDLE_CONTACTS = 3


@pytest.fixture
def server():
    double = Double(clients={"laktasi-client": SECRET})
    with Server(double) as running:
        yield running


@dataclass
class Sending:
    world: World
    server: Server
    link: FacilityLink
    session: Session
    mothers: dict[str, Mother]
    visits: dict[str, Visit]
    consultation: Consultation

    @property
    def double(self) -> Double:
        return self.server.double


def _visit(baby, key: str, *, by, mode: str, weight: int | None, day: dt.date) -> Visit:
    return Visit.objects.create(
        baby=baby,
        key=key,
        number=1,
        due_date=day,
        window_start=day - dt.timedelta(days=1),
        window_end=day + dt.timedelta(days=1),
        done_on=day,
        mode=mode,
        weight_g=weight,
        recorded_by=by,
    )


@pytest.fixture
def sending(world, server) -> Sending:
    """Puskesmas Jenu linked to the double; contacts of Posyandu Melati and Mawar.

    Expected: 6 contacts sendable (2 attendances, 1 consultation, 3 midwife's visits, one
    with a weight), 1 waiting (Dewi Mawar has no NIK), 3 held (a cadre's visit, a phone
    call, a restricted mother's attendance).
    """
    bidan, kader = world.users["bidan"], world.users["kader"]
    tasik = world.regions["35.23.12.2005"]
    link = link_configure(
        facility=world.puskesmas,
        organization_id="10000004",
        location_id="b017aa54-f1df-4ec2-9d84-8823815d7228",
        base_url=server.url,
        client_id="laktasi-client",
        client_secret=SECRET,
    )
    health_worker_nik_set(user=bidan, nik=BIDAN_NIK)
    mothers = {
        "siti": world.mothers["melati"],
        "ani": register("Ani Lestari", world.melati, tasik, nik=SECOND_NIK),
        "rina": register("Rina Terbatas", world.melati, tasik, nik=RESTRICTED_NIK),
        "dewi": world.mothers["mawar"],
    }
    double = server.double
    double.add_practitioner("10009880728", nik=BIDAN_NIK)
    double.add_patient("P02478375538", nik=MOTHER_NIK, gender="female")
    double.add_patient("P03647103112", nik=SECOND_NIK, gender="female")
    double.add_patient("P00805884304", nik=RESTRICTED_NIK, gender="female")
    double.add_patient("P01836748436", nik_ibu=MOTHER_NIK, birthDate="2025-01-10", gender="female")
    session = session_create(
        program=world.program,
        title="Penyuluhan",
        starts_at=dt.datetime(2025, 1, 25, 9, 0, tzinfo=WIB),
        venue="Balai desa",
        facilitator="Tim",
        responsible=bidan,
        agenda=[("presentation", 30), ("practice", 45)],
    )
    for key in ("siti", "ani", "rina"):
        attendance_record(session=session, mother=mothers[key], companion_present=False)
    # She attended, then asked to restrict processing (nothing new may be recorded after).
    Mother.objects.filter(pk=mothers["rina"].pk).update(restricted=True)
    mothers["rina"].refresh_from_db()
    consultation = Consultation.objects.create(
        mother=mothers["ani"],
        question="Puting lecet",
        advice="Perbaiki pelekatan",
        recorded_by=bidan,
        recorded_at=dt.datetime(2025, 2, 1, 10, 30, tzinfo=WIB),
    )
    siti_baby = mothers["siti"].babies.get()
    day = dt.date(2025, 2, 3)
    visits = {
        "weighed": _visit(siti_baby, "d7", by=bidan, mode="home", weight=3350, day=day),
        "posyandu": _visit(
            siti_baby, "d14", by=bidan, mode="posyandu", weight=None, day=day + dt.timedelta(7)
        ),
        "kader": _visit(
            siti_baby, "d28", by=kader, mode="home", weight=None, day=dt.date(2025, 3, 1)
        ),
        "phone": _visit(
            siti_baby, "m2", by=bidan, mode="phone", weight=None, day=dt.date(2025, 3, 20)
        ),
        "ani": _visit(
            mothers["ani"].babies.get(), "d7", by=bidan, mode="home", weight=None, day=day
        ),
        "dewi": _visit(
            mothers["dewi"].babies.get(), "d7", by=bidan, mode="home", weight=None, day=day
        ),
    }
    return Sending(world, server, link, session, mothers, visits, consultation)

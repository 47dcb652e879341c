"""Demo data for SATUSEHAT sending: the midwife's NIK, the session's responsible midwife,
some visits by the midwife, and Puskesmas Jenu's (fictional) SATUSEHAT ids without
credentials, so ``laktasi satusehat sync`` explains how to configure it. All synthetic."""

from __future__ import annotations

from laktasi.accounts.models import User
from laktasi.followups.models import Visit
from laktasi.places.models import Facility
from laktasi.programs.models import Session
from laktasi.satusehat.models import SANDBOX_URL, FacilityLink, HealthWorkerIdentity
from laktasi.satusehat.services import health_worker_nik_set, link_configure

DEMO_MIDWIFE_NIKS = {"demo-bidan": "3523125507850001"}  # synthetic
DEMO_ORG_ID = "DEMO-ORG-JENU"  # fictional: not a real SATUSEHAT organisation
DEMO_LOCATION_ID = "DEMO-LOC-JENU-KIA"
MIDWIFE_VISITS = ("d1_3", "d7")  # the midwife's own home visits in the first week


def demo_satusehat(*, bidan: User, kader: User, puskesmas: Facility, session: Session) -> None:
    """Idempotent: sets only what is missing."""
    for username, nik in DEMO_MIDWIFE_NIKS.items():
        user = User.objects.filter(username=username).first()
        if user and not HealthWorkerIdentity.objects.filter(user=user).exists():
            health_worker_nik_set(user=user, nik=nik)
    if session.responsible_id is None:
        session.responsible = bidan
        session.save(update_fields=["responsible"])
    Visit.objects.filter(
        baby__mother__facility__puskesmas=puskesmas,
        key__in=MIDWIFE_VISITS,
        recorded_by=kader,
        done_on__isnull=False,
    ).update(recorded_by=bidan)
    if not FacilityLink.objects.filter(facility=puskesmas).exists():
        link_configure(
            facility=puskesmas,
            organization_id=DEMO_ORG_ID,
            location_id=DEMO_LOCATION_ID,
            base_url=SANDBOX_URL,
        )

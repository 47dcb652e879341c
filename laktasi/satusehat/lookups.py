"""IHS numbers from SATUSEHAT's Master Patient and Master Nakes Indexes, asked once each.

A mother by her NIK; a baby without her own NIK by her mother's NIK (``nik-ibu``) and birth
date (and sex when twins share both); a health worker by her NIK. The answer is stored under
a keyed hash of the question; a "not found" is asked again only after
``SATUSEHAT_RECHECK_HOURS``. Nothing here invents a reference: no answer, no IHS number.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from laktasi.core.crypto import keyed_hash
from laktasi.mothers.models import Baby, Mother
from laktasi.satusehat import codes
from laktasi.satusehat.client import Client
from laktasi.satusehat.models import HealthWorkerIdentity, IhsKind, IhsNumber, IhsStatus

# Fixed sentences (no placeholders), so a stored reason is translated when it is shown.
REASONS = {
    IhsKind.PATIENT: {
        "unasked": gettext_lazy("mother: not looked up yet"),
        IhsStatus.NOT_FOUND: gettext_lazy("mother: not found on SATUSEHAT"),
        IhsStatus.AMBIGUOUS: gettext_lazy("mother: more than one match on SATUSEHAT"),
    },
    IhsKind.BABY: {
        "unasked": gettext_lazy("baby: not looked up yet"),
        IhsStatus.NOT_FOUND: gettext_lazy("baby: not found on SATUSEHAT"),
        IhsStatus.AMBIGUOUS: gettext_lazy("baby: more than one match on SATUSEHAT"),
    },
    IhsKind.PRACTITIONER: {
        "unasked": gettext_lazy("health worker: not looked up yet"),
        IhsStatus.NOT_FOUND: gettext_lazy("health worker: not found on SATUSEHAT"),
        IhsStatus.AMBIGUOUS: gettext_lazy("health worker: more than one match on SATUSEHAT"),
    },
}


@dataclass(frozen=True)
class Found:
    ihs: str = ""
    reason: str = ""  # why there is no IHS number


class Lookups:
    """Lookups through one client; ``client=None`` answers from the stored ones only."""

    def __init__(self, client: Client | None):
        self.client = client
        self.asked = 0

    def _stored(self, kind: str, key: str) -> IhsNumber | None:
        row = IhsNumber.objects.filter(kind=kind, key_hash=key).first()
        if row is None or row.status == IhsStatus.FOUND:
            return row
        recheck = timezone.now() - dt.timedelta(hours=settings.SATUSEHAT_RECHECK_HOURS)
        return row if row.checked_at > recheck or self.client is None else None

    def _ask(self, kind: str, key: str, resource: str, params: dict, pick) -> IhsNumber | None:
        row = self._stored(kind, key)
        if row is not None or self.client is None:
            return row
        self.asked += 1
        matches = pick(self.client.search(resource, **params))
        if len(matches) == 1:
            status, ihs = IhsStatus.FOUND, matches[0]["id"]
        else:
            status, ihs = (IhsStatus.AMBIGUOUS if matches else IhsStatus.NOT_FOUND), ""
        row, _created = IhsNumber.objects.update_or_create(
            kind=kind,
            key_hash=key,
            defaults={"status": status, "ihs": ihs, "checked_at": timezone.now()},
        )
        return row

    @staticmethod
    def _answer(row: IhsNumber | None, kind: str) -> Found:
        if row is not None and row.status == IhsStatus.FOUND:
            return Found(ihs=row.ihs)
        status = row.status if row is not None else "unasked"
        return Found(reason=str(REASONS[kind][status]))

    def mother(self, mother: Mother) -> Found:
        if not mother.nik:
            return Found(reason=_("mother: no NIK recorded"))
        params = {"identifier": f"{codes.NIK}|{mother.nik}"}
        row = self._ask(IhsKind.PATIENT, keyed_hash(mother.nik), "Patient", params, list)
        return self._answer(row, IhsKind.PATIENT)

    def baby(self, baby: Baby) -> Found:
        nik = baby.mother.nik
        if not nik:
            return Found(reason=_("baby: the mother has no NIK recorded"))
        born = baby.birth_date.isoformat()
        key = keyed_hash(f"nik-ibu|{nik}|{born}|{baby.sex}")
        params = {"identifier": f"{codes.NIK_IBU}|{nik}", "birthdate": born}
        gender = {"F": "female", "M": "male"}.get(baby.sex, "")

        def pick(found: list[dict]) -> list[dict]:
            same_day = [p for p in found if p.get("birthDate") == born]
            if len(same_day) > 1:  # twins: the sex tells them apart, or nothing does
                same_day = [p for p in same_day if p.get("gender") == gender]
            return same_day

        row = self._ask(IhsKind.BABY, key, "Patient", params, pick)
        return self._answer(row, IhsKind.BABY)

    def practitioner(self, user) -> Found:
        identity = HealthWorkerIdentity.objects.filter(user=user).first()
        if identity is None or not identity.nik:
            return Found(reason=_("health worker: no NIK recorded"))
        params = {"identifier": f"{codes.NIK}|{identity.nik}"}
        key = keyed_hash(identity.nik)
        row = self._ask(IhsKind.PRACTITIONER, key, "Practitioner", params, list)
        return self._answer(row, IhsKind.PRACTITIONER)

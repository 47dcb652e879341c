"""Writes of the SATUSEHAT app: a facility's link, a health worker's NIK, and the send queue.

``facility_sync`` refreshes the queue from the contacts (held, waiting for an IHS number,
queued, unchanged since sent) and sends what is queued in transaction bundles of at most
``SATUSEHAT_BUNDLE_CONTACTS`` contacts. A timeout, dropped connection or 5xx is retried with
back-off; a bundle whose answer was lost is never blindly re-POSTed: its records are first
searched by identifier on the server, and what exists there is updated (PUT), not duplicated.
A 4xx refusal of a bundle is narrowed down by sending its contacts one by one; the refused one
keeps the server's OperationOutcome text as *rejected*, the rest are sent.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from laktasi.mothers.validators import normalize_nik
from laktasi.places.models import Facility, FacilityKind
from laktasi.programs.models import Program
from laktasi.satusehat import bundle
from laktasi.satusehat.client import (
    Client,
    CredentialsError,
    RejectedError,
    SatusehatError,
    TransientError,
)
from laktasi.satusehat.contacts import Contact, facility_contacts
from laktasi.satusehat.lookups import Lookups
from laktasi.satusehat.models import (
    FacilityLink,
    HealthWorkerIdentity,
    OutboundRecord,
    RecordState,
)

logger = logging.getLogger(__name__)


class NotConfiguredError(Exception):
    """The facility has no SATUSEHAT link or no client credentials; says how to fix it."""


def configure_hint(facility: Facility) -> str:
    return _(
        'Configure it with: laktasi satusehat configure "%(name)s" --org-id ID '
        "--client-id ID --client-secret-file FILE --location-id ID --environment sandbox "
        "(or on the facility's SATUSEHAT page)."
    ) % {"name": facility.name}


def link_configure(
    *,
    facility: Facility,
    organization_id: str,
    location_id: str,
    base_url: str,
    client_id: str = "",
    client_secret: str = "",
) -> FacilityLink:
    """Create or update a facility's SATUSEHAT link.

    An empty ``client_secret`` keeps the stored one (it is never shown again). New
    credentials or a new address drop the cached token.
    """
    if facility.kind == FacilityKind.POSYANDU:
        raise ValidationError(_("A posyandu's contacts are sent by its puskesmas: configure that."))
    link = FacilityLink.objects.filter(facility=facility).first() or FacilityLink(facility=facility)
    changed = (
        link.client_id != client_id.strip()
        or link.base_url.rstrip("/") != base_url.strip().rstrip("/")
        or bool(client_secret)
    )
    link.organization_id = organization_id.strip()
    link.location_id = location_id.strip()
    link.base_url = base_url.strip().rstrip("/")
    link.client_id = client_id.strip()
    if client_secret:
        link.client_secret = client_secret.strip()
    if changed:
        link.access_token, link.token_expires_at = "", None
    link.full_clean()
    link.save()
    return link


def health_worker_nik_set(*, user, nik: str) -> HealthWorkerIdentity | None:
    """Record (or, with an empty value, remove) a health worker's NIK."""
    nik = normalize_nik(nik)
    if not nik:
        HealthWorkerIdentity.objects.filter(user=user).delete()
        return None
    identity = HealthWorkerIdentity.objects.filter(user=user).first() or HealthWorkerIdentity(
        user=user
    )
    identity.nik = nik
    identity.full_clean()
    identity.save()
    return identity


def usable_link(facility: Facility) -> FacilityLink:
    """The facility's link, or :class:`NotConfiguredError` saying what is missing."""
    link = FacilityLink.objects.filter(facility=facility).first()
    if link is None:
        raise NotConfiguredError(
            _("%(name)s is not configured for SATUSEHAT. ") % {"name": facility.name}
            + configure_hint(facility)
        )
    if not link.has_credentials:
        raise NotConfiguredError(
            _(
                "%(name)s is not configured for SATUSEHAT: it has an organisation id but no "
                "client id and secret. "
            )
            % {"name": facility.name}
            + configure_hint(facility)
        )
    return link


@dataclass
class Pending:
    record: OutboundRecord
    resources: list[dict]


@dataclass
class SyncResult:
    facility: str
    sent: int = 0
    updated: int = 0
    rejected: int = 0
    left_queued: int = 0
    error: str = ""
    bundles: list[dict] = field(default_factory=list)


def _record_for(contact: Contact, facility: Facility) -> OutboundRecord:
    record = OutboundRecord.objects.filter(kind=contact.kind, source_pk=contact.pk).first()
    if record is None:
        record = OutboundRecord(kind=contact.kind, source_pk=contact.pk, state=RecordState.QUEUED)
    record.facility, record.mother, record.label = facility, contact.mother, contact.label
    return record


def _people(contact: Contact, lookups: Lookups) -> tuple[bundle.People | None, str]:
    mother = lookups.mother(contact.mother)
    worker = lookups.practitioner(contact.worker)
    baby = lookups.baby(contact.baby) if contact.baby and contact.weight_g else None
    reasons = [f.reason for f in (mother, worker, baby) if f is not None and f.reason]
    if reasons:
        return None, "; ".join(reasons)
    return bundle.People(mother.ihs, worker.ihs, baby.ihs if baby else ""), ""


def _refresh_one(contact: Contact, link: FacilityLink, lookups: Lookups) -> Pending | None:
    record = _record_for(contact, link.facility)
    pending = None
    if contact.hold:
        record.state, record.reason = RecordState.HELD, contact.hold
    else:
        people, reason = _people(contact, lookups)
        if people is None:
            record.state, record.reason = RecordState.WAITING_IHS, reason
        else:
            resources = bundle.contact_resources(
                contact,
                org_id=link.organization_id,
                location_id=link.location_id,
                people=people,
            )
            previous, record.fingerprint = record.fingerprint, bundle.fingerprint(resources)
            record.reason = ""
            if record.fingerprint == record.sent_fingerprint:
                record.state = RecordState.SENT
            elif record.state != RecordState.REJECTED or record.fingerprint != previous:
                record.state, record.message = RecordState.QUEUED, ""
            pending = Pending(record, resources)
    record.save()
    return pending if record.state == RecordState.QUEUED else None


def queue_refresh(
    *, link: FacilityLink, lookups: Lookups, program: Program | None = None
) -> list[Pending]:
    """Bring the queue up to date with the facility's contacts; what is to be sent now."""
    pending, seen = [], set()
    for contact in facility_contacts(facility=link.facility, program=program):
        seen.add((contact.kind, contact.pk))
        item = _refresh_one(contact, link, lookups)
        if item is not None:
            pending.append(item)
    if program is None:  # a contact deleted (or erased) before it was sent leaves the queue
        stale = OutboundRecord.objects.filter(facility=link.facility).exclude(
            state=RecordState.SENT
        )
        for record in stale:
            if (record.kind, record.source_pk) not in seen:
                record.delete()
    return pending


def _settle_uncertain(client: Client, items: list[Pending]) -> None:
    """A bundle whose answer was lost may have been applied: adopt what the server holds."""
    for item in items:
        record = item.record
        if not record.uncertain:
            continue
        for resource in item.resources:
            kind = resource["resourceType"]
            ident = resource["identifier"][0]
            found = client.search(kind, identifier=f"{ident['system']}|{ident['value']}")
            if found:
                record.remote_ids[kind] = found[0]["id"]
        record.uncertain = False
        record.save(update_fields=["remote_ids", "uncertain", "updated_at"])


def _entries(items: list[Pending]) -> tuple[list[dict], list[tuple[Pending, str]]]:
    entries, owners = [], []
    for item in items:
        for entry in bundle.record_entries(item.resources, item.record.remote_ids):
            entries.append(entry)
            owners.append((item, entry["resource"]["resourceType"]))
    return entries, owners


def _accept(response: dict, owners: list[tuple[Pending, str]], result: SyncResult) -> None:
    now = timezone.now()
    done: dict[int, Pending] = {}
    for (item, kind), entry in zip(owners, response.get("entry") or [], strict=False):
        location = (entry.get("response") or {}).get("location", "")
        parts = location.split("/")
        if len(parts) >= 2 and parts[0] == kind:
            item.record.remote_ids[kind] = parts[1]
        done[id(item)] = item
    for item in done.values():
        record = item.record
        if record.sent_fingerprint:
            result.updated += 1
        else:
            result.sent += 1
        record.state, record.message, record.reason = RecordState.SENT, "", ""
        record.sent_fingerprint, record.sent_at = record.fingerprint, now
        record.save()


def _reject(item: Pending, exc: RejectedError, result: SyncResult) -> None:
    record = item.record
    record.state, record.message = RecordState.REJECTED, exc.message or f"HTTP {exc.status}"
    record.save(update_fields=["state", "message", "updated_at"])
    result.rejected += 1


def _mark_in_flight(items: list[Pending]) -> None:
    for item in items:
        item.record.uncertain = True
        item.record.attempts += 1
        item.record.save(update_fields=["uncertain", "attempts", "updated_at"])


def _late_arrival(client: Client, item: Pending, lost_answer: bool) -> bool:
    """After a lost answer, a refusal may mean the earlier attempt arrived late: True when
    the server now holds the record (it is then updated, not refused)."""
    if not lost_answer:
        return False
    known = dict(item.record.remote_ids)
    item.record.uncertain = True
    _settle_uncertain(client, [item])
    return item.record.remote_ids != known


def _refused(client, items, exc, result, lost_answer) -> bool:
    """Handle a 4xx; True when the single record should be tried again as an update."""
    for item in items:  # nothing of a refused transaction was applied (an earlier one may)
        item.record.uncertain = lost_answer and len(items) > 1
        item.record.save(update_fields=["uncertain"])
    if len(items) > 1:
        for item in items:
            _send(client, [item], result)
        return False
    if _late_arrival(client, items[0], lost_answer):
        return True
    _reject(items[0], exc, result)
    return False


def _send(client: Client, items: list[Pending], result: SyncResult) -> None:
    """Send ``items`` in one transaction; retry transient failures, narrow down refusals."""
    lost_answer = any(item.record.uncertain for item in items)
    for attempt in range(client.retries + 1):
        _settle_uncertain(client, items)
        entries, owners = _entries(items)
        _mark_in_flight(items)
        try:
            response = client.transaction(bundle.transaction(entries), retry=False)
        except TransientError:
            lost_answer = True
            if attempt + 1 >= client.retries:
                raise
            client.sleep(client.backoff * (2**attempt))
            continue
        except RejectedError as exc:
            if _refused(client, items, exc, result, lost_answer):
                lost_answer = False
                continue
            return
        _accept(response, owners, result)
        return


def _chunks(items: list[Pending]) -> list[list[Pending]]:
    size = max(1, settings.SATUSEHAT_BUNDLE_CONTACTS)
    return [items[i : i + size] for i in range(0, len(items), size)]


class SyncRunningError(Exception):
    """Another sync of the same facility is running (on this server)."""


def lock_path(facility: Facility) -> Path:
    """The lock file of ``facility``'s sending, distinct for each database served."""
    database = hashlib.sha256(str(connection.settings_dict["NAME"]).encode()).hexdigest()[:12]
    return Path(settings.VAR_DIR) / f"satusehat-sync-{database}-{facility.pk}.lock"


@contextmanager
def _one_sync_at_a_time(facility: Facility):
    """An exclusive lock file per database and facility in VAR_DIR: overlapping runs (a slow
    cron, the nightly job and a "send now") would otherwise send the same contacts twice."""
    path = lock_path(facility)
    with path.open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise SyncRunningError(
                _("Another SATUSEHAT sync of %(name)s is running.") % {"name": facility.name}
            ) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def facility_sync(
    *,
    facility: Facility,
    program: Program | None = None,
    dry_run: bool = False,
    client: Client | None = None,
) -> SyncResult:
    """Refresh the queue of ``facility`` and send it (or, ``dry_run``, only build it).

    Raises :class:`NotConfiguredError`, :class:`SyncRunningError` and, for refused
    credentials, :class:`~laktasi.satusehat.client.CredentialsError`.
    """
    link = usable_link(facility)
    with _one_sync_at_a_time(facility):
        return _sync_locked(link, program=program, dry_run=dry_run, client=client)


def _sync_locked(
    link: FacilityLink, *, program: Program | None, dry_run: bool, client: Client | None
) -> SyncResult:
    facility = link.facility
    result = SyncResult(facility=facility.name)
    try:
        client = client or Client(link)
        # Not one transaction: every lookup and state kept so far survives a failure.
        with translation.override("en"):  # reasons are stored as msgids, shown translated
            pending = queue_refresh(link=link, lookups=Lookups(client), program=program)
        for chunk in _chunks(pending):
            if dry_run:
                result.bundles.append(bundle.transaction(_entries(chunk)[0]))
            else:
                _send(client, chunk, result)
    except CredentialsError:
        raise
    except SatusehatError as exc:  # the server is away or refused a search: try again later
        result.error = str(exc)
    if not dry_run:
        result.left_queued = OutboundRecord.objects.filter(
            facility=facility, state=RecordState.QUEUED
        ).count()
    logger.info(
        "satusehat sync facility=%s sent=%s updated=%s rejected=%s queued=%s",
        facility.pk,
        result.sent,
        result.updated,
        result.rejected,
        result.left_queued,
    )
    return result

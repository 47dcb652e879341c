"""``laktasi satusehat configure|sync|status``: send a facility's contacts to SATUSEHAT.

FACILITY is the facility's id or its exact name. The client secret is read from a file
(never from the command line, where it would stay in the shell history) and never printed.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from laktasi.programs.models import Program
from laktasi.satusehat.client import CredentialsError
from laktasi.satusehat.models import PRODUCTION_URL, SANDBOX_URL, FacilityLink
from laktasi.satusehat.selectors import (
    FacilityNotFoundError,
    configured_facilities,
    facility_resolve,
    queue_status,
)
from laktasi.satusehat.services import (
    NotConfiguredError,
    SyncRunningError,
    facility_sync,
    link_configure,
)

ENVIRONMENTS = {"sandbox": SANDBOX_URL, "production": PRODUCTION_URL}
COUNTS = ("sent", "queued", "rejected", "waiting_ihs", "held")


class Command(BaseCommand):
    help = "SATUSEHAT: configure a facility, send its contacts (sync), show the queue (status)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        conf = sub.add_parser("configure", help="set a facility's SATUSEHAT ids and client")
        conf.add_argument("facility", help="facility id or exact name")
        conf.add_argument("--org-id", required=True)
        conf.add_argument("--location-id", required=True)
        conf.add_argument("--client-id", default="")
        conf.add_argument("--client-secret-file", type=Path, help="a file holding the secret")
        where = conf.add_mutually_exclusive_group()
        where.add_argument("--base-url", default="")
        where.add_argument("--environment", choices=sorted(ENVIRONMENTS), default="")
        sync = sub.add_parser("sync", help="send what is new or changed")
        sync.add_argument("--facility", default="", help="facility id or exact name")
        sync.add_argument("--program", type=int, help="program id: only its contacts")
        sync.add_argument("--dry-run", action="store_true", help="look up, build, send nothing")
        sync.add_argument("-o", "--output", type=Path, help="--dry-run: write the bundles here")
        status = sub.add_parser("status", help="counts and lists of the send queue")
        status.add_argument("--facility", default="", help="facility id or exact name")
        status.add_argument("--json", action="store_true")
        for subparser in (conf, sync, status):
            subparser.add_argument("--lang", default="id", choices=["id", "en"])

    def handle(self, *args, **opts):
        with translation.override(opts["lang"]):
            handler = getattr(self, f"_{opts['action']}")
            return handler(opts)

    @staticmethod
    def _facility(value: str):
        try:
            return facility_resolve(value)
        except FacilityNotFoundError as exc:
            raise CommandError(str(exc)) from None

    # -- configure -----------------------------------------------------------------------
    def _configure(self, opts) -> None:
        facility = self._facility(opts["facility"])
        existing = FacilityLink.objects.filter(facility=facility).first()
        base_url = opts["base_url"] or ENVIRONMENTS.get(opts["environment"], "")
        base_url = base_url or (existing.base_url if existing else SANDBOX_URL)
        secret = ""
        if opts["client_secret_file"]:
            try:
                secret = opts["client_secret_file"].read_text(encoding="utf-8").strip()
            except OSError:
                raise CommandError(
                    _("Cannot read %(path)s.") % {"path": opts["client_secret_file"]}
                ) from None
            if not secret:
                raise CommandError(_("The client secret file is empty."))
        try:
            link = link_configure(
                facility=facility,
                organization_id=opts["org_id"],
                location_id=opts["location_id"],
                base_url=base_url,
                client_id=opts["client_id"],
                client_secret=secret,
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stdout.write(
            _("%(name)s: SATUSEHAT organisation %(org)s, location %(loc)s, %(url)s; %(cred)s")
            % {
                "name": facility.name,
                "org": link.organization_id,
                "loc": link.location_id,
                "url": link.base_url,
                "cred": _("client credentials stored (the secret is not shown again)")
                if link.has_credentials
                else _("no client credentials yet"),
            }
        )

    # -- sync ----------------------------------------------------------------------------
    def _sync(self, opts) -> None:
        if opts["output"] and not opts["dry_run"]:
            raise CommandError(_("-o writes the bundles of a --dry-run only."))
        program = None
        if opts["program"]:
            program = Program.objects.filter(pk=opts["program"]).first()
            if program is None:
                raise CommandError(_("Unknown program %(pk)s.") % {"pk": opts["program"]})
        facilities = [self._facility(opts["facility"])] if opts["facility"] else None
        facilities = facilities or configured_facilities()
        if not facilities:
            raise CommandError(
                _(
                    "No facility is configured for SATUSEHAT. Configure one with: laktasi "
                    "satusehat configure FACILITY --org-id ID --client-id ID "
                    "--client-secret-file FILE --location-id ID --environment sandbox"
                )
            )
        failures, bundles = [], []
        for facility in facilities:
            try:
                result = facility_sync(facility=facility, program=program, dry_run=opts["dry_run"])
            except (NotConfiguredError, CredentialsError, SyncRunningError) as exc:
                failures.append(str(exc))
                continue
            bundles += result.bundles
            self._report(result, opts["dry_run"])
            if result.error:
                failures.append(result.error)
        if opts["dry_run"] and opts["output"]:
            opts["output"].write_text(json.dumps(bundles, indent=2, ensure_ascii=False))
            self.stdout.write(
                _("%(n)s bundle(s) written to %(path)s")
                % {"n": len(bundles), "path": opts["output"]}
            )
        if failures:
            why = " | ".join(failures)
            raise CommandError(_("SATUSEHAT sync did not finish: %(why)s") % {"why": why})

    def _report(self, result, dry_run: bool) -> None:
        if dry_run:
            contacts = sum(
                sum(1 for e in b["entry"] if e["resource"]["resourceType"] == "Encounter")
                for b in result.bundles
            )
            self.stdout.write(
                _("%(name)s (dry run): %(n)s contact(s) would be sent in %(b)s bundle(s)")
                % {"name": result.facility, "n": contacts, "b": len(result.bundles)}
            )
            return
        self.stdout.write(
            _(
                "%(name)s: %(sent)s sent, %(updated)s updated, %(rejected)s rejected, "
                "%(queued)s left queued"
            )
            % {
                "name": result.facility,
                "sent": result.sent,
                "updated": result.updated,
                "rejected": result.rejected,
                "queued": result.left_queued,
            }
        )
        if result.error:
            self.stderr.write(
                _("%(name)s: SATUSEHAT did not answer (%(why)s); the rest stays queued.")
                % {"name": result.facility, "why": result.error}
            )

    # -- status --------------------------------------------------------------------------
    def _status(self, opts) -> None:
        facility = self._facility(opts["facility"]) if opts["facility"] else None
        status = queue_status(facility=facility)
        if opts["json"]:
            data = {key: status[key] for key in COUNTS}
            data["rejections"] = status["rejections"]
            data["waiting"] = status["waiting"]
            data["held_records"] = status["held_records"]
            self.stdout.write(json.dumps(data, indent=2, ensure_ascii=False))
            return
        labels = {
            "sent": _("sent"),
            "queued": _("queued"),
            "rejected": _("rejected"),
            "waiting_ihs": _("waiting for an IHS number"),
            "held": _("held"),
        }
        for key in COUNTS:
            self.stdout.write(f"{labels[key]}: {status[key]}")
        for title, rows, text in (
            (_("Rejected by SATUSEHAT"), status["rejections"], "message"),
            (_("Waiting for an IHS number"), status["waiting"], "reason"),
            (_("Held (not sent)"), status["held_records"], "reason"),
        ):
            if rows:
                self.stdout.write(f"\n{title}:")
                for row in rows:
                    self.stdout.write(f"  {row['record']}: {row[text]}")

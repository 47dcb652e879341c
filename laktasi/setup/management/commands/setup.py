"""``laktasi setup facility|invite|program|status``: the first day from a script.

    laktasi setup facility --kind puskesmas --name "Puskesmas Jenu" --village 35.23.12.2016
    laktasi setup facility --kind posyandu --name "Posyandu Melati" --village 35.23.12.2005 \\
        --puskesmas "Puskesmas Jenu"
    laktasi setup invite --role kader --facility "Posyandu Melati"
    laktasi setup program --from-template kelas-asi --facility "Puskesmas Jenu" \\
        --session "2026-12-10 09:00" --venue "Balai desa" --facilitator "Bidan Sari" \\
        --user bidan-sari
    laktasi setup status

Each subcommand takes ``--lang en`` for English messages; a problem is one clear line and
nothing is written.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from laktasi.accounts.invitations import invitation_issue
from laktasi.accounts.models import Role, User
from laktasi.places.models import Facility, FacilityKind, RegionLevel
from laktasi.places.selectors import region_get
from laktasi.places.services import facility_create
from laktasi.setup.checklist import setup_checklist
from laktasi.setup.program_templates import (
    ProgramStart,
    TemplateError,
    program_from_template,
    template_get,
)


def _messages(exc: ValidationError) -> str:
    return " ".join(exc.messages)


class Command(BaseCommand):
    help = "First-day setup: facilities, invitations, a program from a template, the checklist."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        fac = sub.add_parser("facility", help="create a puskesmas or posyandu")
        fac.add_argument("--kind", required=True, choices=["puskesmas", "posyandu"])
        fac.add_argument("--name", required=True)
        fac.add_argument("--village", required=True, help="Kemendagri village code")
        fac.add_argument("--puskesmas", default="", help="a posyandu's puskesmas: id or name")
        fac.add_argument("--schedule", default="")
        inv = sub.add_parser("invite", help="print a one-time invitation link")
        inv.add_argument("--role", required=True, choices=Role.values)
        inv.add_argument("--facility", default="", help="the facility she or he joins")
        prog = sub.add_parser("program", help="start a program from a template")
        prog.add_argument("--from-template", required=True, dest="template")
        prog.add_argument("--facility", required=True)
        prog.add_argument("--user", required=True, help="username of the team's first member")
        prog.add_argument("--title", default="")
        prog.add_argument("--organiser", default="")
        prog.add_argument("--start", default="", help="YYYY-MM-DD (default: the session's day)")
        prog.add_argument("--session", required=True, help='"YYYY-MM-DD HH:MM", local time')
        prog.add_argument("--venue", required=True)
        prog.add_argument("--facilitator", required=True)
        status = sub.add_parser("status", help="the first-day checklist")
        for subparser in (fac, inv, prog, status):
            subparser.add_argument("--lang", default="id", choices=["id", "en"])

    def handle(self, *args, **opts):
        with translation.override(opts["lang"]):
            handler = "_facility_cmd" if opts["action"] == "facility" else f"_{opts['action']}"
            return getattr(self, handler)(opts)

    @staticmethod
    def _facility(value: str, kind: str | None = None) -> Facility:
        qs = Facility.objects.all() if kind is None else Facility.objects.filter(kind=kind)
        found = list(qs.filter(pk=int(value))) if value.isdigit() else []
        found = found or list(qs.filter(name__iexact=value.strip()))
        if len(found) != 1:
            raise CommandError(
                _("No single facility %(value)s: give its id or exact name.") % {"value": value}
            )
        return found[0]

    def _facility_cmd(self, opts) -> None:
        village = region_get(code=opts["village"])
        if village is None or village.level != RegionLevel.VILLAGE:
            raise CommandError(
                _("Unknown village code %(code)s: give a village's Kemendagri code.")
                % {"code": opts["village"]}
            )
        puskesmas = None
        if opts["kind"] == FacilityKind.POSYANDU:
            if not opts["puskesmas"]:
                raise CommandError(_("A posyandu must belong to a puskesmas."))
            puskesmas = self._facility(opts["puskesmas"], FacilityKind.PUSKESMAS)
        try:
            facility = facility_create(
                kind=opts["kind"],
                name=opts["name"].strip(),
                village=village,
                puskesmas=puskesmas,
                schedule=opts["schedule"],
            )
        except ValidationError as exc:
            raise CommandError(_messages(exc)) from None
        self.stdout.write(f"{facility.pk}\t{facility}\t{village.name}")

    def _invite(self, opts) -> None:
        facility = self._facility(opts["facility"]) if opts["facility"] else None
        _inv, raw = invitation_issue(by=None, role=opts["role"], facility=facility)
        self.stdout.write(settings.LAKTASI_BASE_URL + reverse("accounts:invite", args=[raw]))
        self.stderr.write(
            _("valid for %(hours)s hours, once") % {"hours": settings.INVITATION_HOURS}
        )

    def _program(self, opts) -> None:
        try:
            template = template_get(opts["template"])
        except TemplateError as exc:
            raise CommandError(str(exc)) from None
        user = User.objects.filter(username=opts["user"], is_active=True).first()
        if user is None:
            raise CommandError(_("No active user %(user)s.") % {"user": opts["user"]})
        try:
            starts_at = datetime.strptime(opts["session"], "%Y-%m-%d %H:%M").replace(
                tzinfo=timezone.get_current_timezone()
            )
            start_date = (
                datetime.strptime(opts["start"], "%Y-%m-%d").date()
                if opts["start"]
                else starts_at.date()
            )
        except ValueError:
            raise CommandError(
                _('Give the dates as --session "YYYY-MM-DD HH:MM" and --start YYYY-MM-DD.')
            ) from None
        start = ProgramStart(
            title=opts["title"],
            organiser=opts["organiser"],
            facility=self._facility(opts["facility"]),
            start_date=start_date,
            session_starts_at=starts_at,
            venue=opts["venue"],
            facilitator=opts["facilitator"],
        )
        try:
            program = program_from_template(template=template, start=start, by=user)
        except ValidationError as exc:
            raise CommandError(_messages(exc)) from None
        self.stdout.write(f"{program.pk}\t{program.title}")

    def _status(self, opts) -> None:
        checklist = setup_checklist()
        for step in checklist.steps:
            self.stdout.write(f"[{'x' if step.done else ' '}] {step.key}\t{step.title}")
        if not checklist.done:
            raise CommandError(_("Setup is not finished."))

"""``laktasi links SESSION_PK --instrument ID --timepoint pre|post|followup [--format csv|pdf] -o FILE``

Makes (or keeps) one link per mother with consent, like the session page, and writes them as a
CSV (laktasi identifier, short code, link) or as the A4 sheet of QR cards. Links use
LAKTASI_BASE_URL: the address mothers' phones reach.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from laktasi.accounts.models import User
from laktasi.core.exporting import export
from laktasi.followups.models import RECALL_INSTRUMENT
from laktasi.links.exports import KIND, SessionLinks
from laktasi.links.selectors import session_mothers
from laktasi.links.services import SELF_INSTRUMENTS, answer_links_issue
from laktasi.programs.models import Session


class Command(BaseCommand):
    help = "Make answer links for a session's mothers and write them as CSV or a QR-card PDF."

    def add_arguments(self, parser):
        parser.add_argument("session", type=int, help="the session's id")
        parser.add_argument(
            "--instrument", required=True, choices=[*SELF_INSTRUMENTS, RECALL_INSTRUMENT]
        )
        parser.add_argument("--timepoint", required=True, choices=["pre", "post", "followup"])
        parser.add_argument("--format", choices=["csv", "pdf"], default="csv")
        parser.add_argument("-o", "--output", required=True, help="file to write")
        parser.add_argument(
            "--user",
            default="",
            help="make the links as this user (their scope applies); default: an administrator",
        )
        parser.add_argument("--lang", choices=["id", "en"], default="id")

    def handle(self, *args, **opts):
        translation.activate(opts["lang"])
        session = Session.objects.select_related("program").filter(pk=opts["session"]).first()
        if session is None:
            raise CommandError(f"No session with id {opts['session']}.")
        user = self._user(opts["user"])
        try:
            result = answer_links_issue(
                session=session,
                mothers=session_mothers(user=user, session=session),
                instrument_id=opts["instrument"],
                timepoint=opts["timepoint"],
                by=user,
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        subject = SessionLinks(session, opts["instrument"], opts["timepoint"], result.links,
                               settings.LAKTASI_BASE_URL)  # fmt: skip
        _name, _type, data = export(KIND, subject, fmt=opts["format"])
        Path(opts["output"]).write_bytes(data)
        self.stdout.write(
            f"{len(result.links)} links ({result.created} new; "
            f"{result.skipped_no_consent} without consent, "
            f"{result.skipped_answered} already answered, "
            f"{result.skipped_no_visit} without an open visit) -> {opts['output']}"
        )

    @staticmethod
    def _user(username: str) -> User:
        if username:
            user = User.objects.filter(username=username, is_active=True).first()
            if user is None:
                raise CommandError(f"No active user {username!r}.")
            return user
        user = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
        if user is None:
            raise CommandError("No administrator exists; pass --user.")
        return user

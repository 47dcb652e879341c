"""``laktasi invite``: issue an invitation link from the command line (the first administrator,
or a device reset when no administrator can log in)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from laktasi.accounts.invitations import invitation_issue
from laktasi.accounts.models import Role, User


class Command(BaseCommand):
    help = "Issue a one-time invitation link (new account, or --user to reset a user's device)."

    def add_arguments(self, parser):
        parser.add_argument("--role", choices=Role.values, default=Role.ADMIN)
        parser.add_argument("--user", default="", help="reset this user's password and device")

    def handle(self, *args, role: str, user: str, **options):
        target = None
        if user:
            target = User.objects.filter(username=user).first()
            if target is None:
                raise CommandError(f"no user {user!r}")
        _invitation, raw = invitation_issue(by=None, role=role, user=target)
        link = settings.LAKTASI_BASE_URL + reverse("accounts:invite", args=[raw])
        self.stdout.write(link)
        self.stderr.write(f"valid for {settings.INVITATION_HOURS} hours, once")

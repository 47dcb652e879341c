"""``laktasi demo_code USERNAME``: the current TOTP code of a demo user (never in production)."""

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from laktasi.accounts.demo import demo_totp_code
from laktasi.accounts.models import User


class Command(BaseCommand):
    help = "Print the current two-factor code of demo-admin or demo-koordinator (dev only)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        try:
            user = User.objects.get(username=username)
            self.stdout.write(demo_totp_code(user=user))
        except (User.DoesNotExist, PermissionDenied) as exc:
            raise CommandError(f"no demo two-factor device for {username!r} here") from exc
        except user.totpdevice_set.model.DoesNotExist as exc:
            raise CommandError(f"{username} has no two-factor device: run `laktasi demo`") from exc

"""``laktasi demo``: load the demo program, mothers and users (idempotent)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from laktasi.accounts.demo import demo_totp_provision, demo_totp_secret
from laktasi.accounts.models import User
from laktasi.demo.loader import DEMO_PASSWORD, demo_load
from laktasi.demo.past import demo_past_programs_load


class Command(BaseCommand):
    help = (
        "Load the demo: the article's program in Desa Tasikharjo, with demo users, and past "
        "demo programs in other villages of Jenu."
    )

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("The demo cannot be loaded in production mode.")
        result = demo_load()
        # past programs in other villages of Jenu, for the evaluation across programs
        demo_past_programs_load(result)
        created = ", ".join(f"{n} {k}" for k, n in sorted(result.created.items())) or "nothing"
        self.stdout.write(f"demo: created {created} (already present records kept)")
        self.stdout.write(f"demo logins (password for all: {DEMO_PASSWORD}):")
        for username in result.users:
            self.stdout.write(f"  {username}")
        # Administrators and coordinators need a second factor (laktasi.accounts.middleware).
        two_factor = User.objects.filter(is_demo=True, role__in=settings.TWO_FACTOR_ROLES)
        for user in two_factor.order_by("username"):
            demo_totp_provision(user=user)
        if two_factor.exists():
            names = ", ".join(two_factor.order_by("username").values_list("username", flat=True))
            self.stdout.write(
                f"two-factor code for {names}: add the secret {demo_totp_secret()} to an "
                "authenticator app, or run `laktasi demo_code demo-admin`"
            )

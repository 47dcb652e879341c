"""Authentication backend that keeps demo accounts out of production."""

from django.conf import settings
from django.contrib.auth.backends import ModelBackend


class LaktasiBackend(ModelBackend):
    """ModelBackend that refuses demo users when demo logins are not allowed."""

    def user_can_authenticate(self, user) -> bool:
        if getattr(user, "is_demo", False) and not settings.DEMO_LOGINS_ALLOWED:
            return False
        return super().user_can_authenticate(user)

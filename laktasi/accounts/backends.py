"""Authentication backends: lockout after repeated failures; demo accounts kept out of production."""

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib.auth.backends import ModelBackend


class LaktasiBackend(ModelBackend):
    """ModelBackend that refuses demo users when demo logins are not allowed."""

    def user_can_authenticate(self, user) -> bool:
        if getattr(user, "is_demo", False) and not settings.DEMO_LOGINS_ALLOWED:
            return False
        return super().user_can_authenticate(user)


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' lockout check, first in the chain.

    A login through a web form always has a request, and is checked. ``authenticate()``
    without a request (the test client's ``login()``, management commands) is passed on to the
    next backend instead of failing, because there is no address to lock out.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)

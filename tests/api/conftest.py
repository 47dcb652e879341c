"""API fixtures: a token per role of the shared world, and a client that sends it."""

from __future__ import annotations

import pytest
from django.test import Client

from laktasi.api.services import token_create
from laktasi.followups.services import visits_schedule


class ApiClient:
    """Django's test client with ``Authorization: Bearer`` set."""

    def __init__(self, token: str | None):
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def _call(self, method, path, data=None, headers=None):
        kwargs = {"headers": {**self.headers, **(headers or {})}}
        if data is not None:
            kwargs.update(data=data, content_type="application/json")
        return getattr(self.client, method)(path, **kwargs)

    def get(self, path, **params):
        return self.client.get(path, params, headers=self.headers)

    def post(self, path, data, headers=None):
        return self._call("post", path, data, headers)

    def patch(self, path, data, headers=None):
        return self._call("patch", path, data, headers)


@pytest.fixture
def tokens(world) -> dict[str, str]:
    return {role: token_create(user=user, name="test")[1] for role, user in world.users.items()}


@pytest.fixture
def api(tokens):
    """``api("kader")`` is a client authenticated as the world's cadre."""
    return lambda role: ApiClient(tokens[role] if role else None)


@pytest.fixture
def scheduled(world):
    """Every world baby gets its visit schedule."""
    for mother in world.mothers.values():
        for baby in mother.babies.all():
            visits_schedule(baby=baby, since=baby.birth_date)
    return world

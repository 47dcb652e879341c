"""Helpers for the web tests: logged-in clients and form payloads."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.test import Client

from laktasi.instruments import registry


def client_for(user, lang: str = "en") -> Client:
    """A client logged in as ``user`` that chose ``lang`` with the language switch (the
    language cookie; the browser's Accept-Language is ignored by design)."""
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    client.force_login(user)
    return client


def registration_payload(**overrides) -> dict:
    data = {
        "form_token": str(uuid.uuid4()),
        "full_name": "Ani Lestari",
        "birth_date": "14/02/1997",
        "nik": "",
        "phone": "0812 3456 7890",
        "village": "35.23.12.2005",
        "address": "",
        "parity": "1",
        "education": "",
        "occupation": "",
        "delivery_date": "",
        "delivery_mode": "",
        "delivery_place": "",
        "baby-birth_date": "02/01/2025",
        "baby-sex": "F",
        "baby-birth_weight_g": "3000",
        "baby-name": "",
        "baby-early_initiation": "unknown",
        "companion-relationship": "husband",
        "companion-name": "Budi",
        "companion-phone": "",
        "consent": "on",
        "channel": "paper",
    }
    data.update(overrides)
    return data


def knowledge_answers(correct: int) -> dict:
    """Form fields answering the knowledge test with ``correct`` right answers."""
    definition = registry.get("knowledge_test")
    data = {}
    for n, item in enumerate(definition.items):
        right = "true" if item.key else "false"
        wrong = "false" if item.key else "true"
        data["q_" + item.id] = right if n < correct else wrong
    return data


def checklist_answers(instrument_id: str, done: int) -> dict:
    """Form fields marking the first ``done`` steps as done correctly."""
    definition = registry.get(instrument_id)
    top = str(definition.scoring["top_level"])
    return {"q_" + item.id: (top if n < done else "0") for n, item in enumerate(definition.items)}


def record_payload(answers: dict, **meta) -> dict:
    data = {"form_token": str(uuid.uuid4()), "collected_on": "25/01/2025", **answers}
    data.update({k: str(v) for k, v in meta.items()})
    return data

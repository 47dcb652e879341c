"""Personal fields of mothers, babies and companions (see laktasi/privacy/registry.py)."""

from importlib import import_module

from django.conf import settings
from django.contrib.sessions.models import Session

from laktasi.mothers.models import Baby, Companion, Consent, Mother
from laktasi.privacy.registry import BLANK, MONTH, YEAR, declare


def anonymous_name(mother: Mother, value: str) -> str:  # noqa: ARG001
    """The name an erased mother keeps: her random identifier only."""
    return f"Anonim {mother.identifier}"


declare(
    Mother,
    path="",
    fields={
        "full_name": anonymous_name,
        "nik": BLANK,
        "nik_hash": BLANK,
        "phone": BLANK,
        "address": BLANK,
        "birth_date": YEAR,
        "delivery_date": MONTH,
    },
)
declare(Baby, path="mother", fields={"name": BLANK, "birth_date": MONTH})
declare(Companion, path="mother", fields={"name": lambda row, value: "Anonim", "phone": BLANK})
# Consent records are immutable evidence and hold no personal field besides the link.
declare(Consent, path="mother", fields={})


# --- name searches kept in sessions (docs/decisions/0002) -----------------------------------

SEARCH_SESSION_KEY = "mothers_search"  # where mothers.views keeps the list's name search


def _normal(text: str) -> str:
    return " ".join(str(text).lower().split())


def _search_names_her(term: str, mother: Mother, strings: list[str]) -> bool:
    """A stored search that could only find her (part of her name, NIK, phone, identifier)."""
    term = _normal(term)
    digits = "".join(ch for ch in term if ch.isdigit())
    if not term:
        return False
    for value in [*strings, mother.identifier]:
        value = _normal(value)
        value_digits = "".join(ch for ch in value if ch.isdigit())
        if term in value or value in term:
            return True
        if len(digits) >= 6 and value_digits and (digits in value_digits or value_digits in digits):
            return True
    return False


def erase_session_searches(*, mother: Mother, strings: list[str]) -> int:
    """Forget every stored name search that names her, in every session (database sessions)."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    model = store.get_model_class() if hasattr(store, "get_model_class") else None
    if model is None:
        return 0
    touched = 0
    for row in model.objects.all().iterator():
        data = store().decode(row.session_data)
        term = data.get(SEARCH_SESSION_KEY)
        if term and _search_names_her(term, mother, strings):
            del data[SEARCH_SESSION_KEY]
            model.objects.filter(pk=row.pk).update(session_data=store().encode(data))
            touched += 1
    return touched


declare(Session, path=None, erase=erase_session_searches)

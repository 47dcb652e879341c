"""Personal fields of mothers, babies and companions (see laktasi/privacy/registry.py)."""

from laktasi.mothers.models import Baby, Companion, Consent, Mother
from laktasi.privacy.registry import BLANK, MONTH, YEAR, declare
from laktasi.privacy.services import anonymous_name

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

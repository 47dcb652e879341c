"""Personal data in the SATUSEHAT app (see laktasi/privacy/registry.py).

A queue row holds no personal field (states, server ids, a label with the laktasi
identifier). The stored IHS numbers are keyed by a keyed hash of the NIK: erasing a mother
removes her own and her babies' lookups.
"""

from laktasi.core.crypto import keyed_hash
from laktasi.privacy.registry import declare
from laktasi.satusehat.models import IhsKind, IhsNumber, OutboundRecord


def erase_lookups(*, mother, strings) -> int:  # noqa: ARG001 - the registry's hook signature
    if not mother.nik:
        return 0
    keys = [keyed_hash(mother.nik)]
    keys += [
        keyed_hash(f"nik-ibu|{mother.nik}|{baby.birth_date.isoformat()}|{baby.sex}")
        for baby in mother.babies.all()
    ]
    deleted, _ = IhsNumber.objects.filter(
        kind__in=[IhsKind.PATIENT, IhsKind.BABY], key_hash__in=keys
    ).delete()
    return deleted


declare(OutboundRecord, path="mother", fields={})
declare(IhsNumber, path=None, erase=erase_lookups)

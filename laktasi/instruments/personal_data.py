"""Personal fields of responses (see laktasi/privacy/registry.py).

Answers are kept for the aggregates, except free-text answers (item type ``text``), which are
removed whole; any other string is scrubbed of her names, NIK and phone.
"""

from laktasi.instruments import registry as instruments
from laktasi.instruments.models import Response
from laktasi.privacy.registry import REDACTED, SCRUB, declare


def _text_items(response: Response) -> set[str]:
    try:
        definition = instruments.get(response.instrument_id, response.instrument_version)
    except (LookupError, ValueError):
        return set()
    return {item.id for item in definition.items if item.type == "text"}


def erase_free_text(response: Response, answers):
    text_items = _text_items(response)
    if not isinstance(answers, dict):
        return {}
    return {
        key: (REDACTED if key in text_items and value not in (None, "") else value)
        for key, value in answers.items()
    }


declare(Response, path="mother", fields={"answers": (erase_free_text, SCRUB), "details": SCRUB})

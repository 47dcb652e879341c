"""Personal fields of answer links (see laktasi/privacy/registry.py): none.

A link holds a salt, a hash, a short code and dates; her answers live in the Response.
"""

from laktasi.links.models import AnswerLink
from laktasi.privacy.registry import declare

declare(AnswerLink, path="mother", fields={})

"""Personal fields of answer links (see laktasi/privacy/registry.py): none.

A link holds a salt, a hash, a short code and dates; her answers live in the Response. A link
event records which staff member acted, never anything about her.
"""

from laktasi.links.models import AnswerLink, LinkEvent
from laktasi.privacy.registry import declare

declare(AnswerLink, path="mother", fields={})
declare(LinkEvent, path="link__mother", fields={})

"""Personal fields of follow-up visits (see laktasi/privacy/registry.py)."""

from laktasi.followups.models import Visit
from laktasi.privacy.registry import REDACT, declare

# Codes, dates, ages and weights stay for the indicators; the free-text notes go.
declare(Visit, path="baby__mother", fields={"notes": REDACT})

"""Personal fields of program records (see laktasi/privacy/registry.py)."""

from laktasi.privacy.registry import BLANK, REDACT, declare
from laktasi.programs.models import Attendance, Consultation, Enrollment

declare(Enrollment, path="mother", fields={})
declare(Attendance, path="mother", fields={})
# Her question and the advice are free text about her: removed whole; the referral flag stays.
declare(
    Consultation,
    path="mother",
    fields={"question": REDACT, "advice": REDACT, "referred_to": BLANK},
)

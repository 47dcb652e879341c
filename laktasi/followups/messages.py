"""WhatsApp message templates (Indonesian: they go to the mother, whatever the UI language).

The link is ``https://wa.me/<digits>?text=<message>``: the cadre taps it and WhatsApp opens
with the message typed; nothing is sent by laktasi. The phone number is unavoidable in the
link, so the link is built only while rendering the scoped task page and never logged.
Messages carry no name: the mother knows who she is.
"""

from __future__ import annotations

from urllib.parse import quote

from laktasi.followups.models import Visit
from laktasi.mothers.validators import phone_for_whatsapp

GREETING = "Assalamualaikum/Salam sejahtera, Ibu. Saya kader {facility}."
TEMPLATES = {
    "d1_3": (
        "Selamat atas kelahiran bayinya. Saya ingin mengunjungi Ibu pada {date} untuk "
        "membantu menyusui di hari-hari pertama. Susui bayi sesering mungkin, siang dan malam."
    ),
    "d7": (
        "Bayi Ibu sudah berumur sekitar satu minggu. Saya akan berkunjung sekitar {date} untuk "
        "menanyakan menyusui dan pijat oksitosin. Bila puting lecet atau payudara bengkak, "
        "kabari saya."
    ),
    "d14": (
        "Bayi Ibu sudah berumur dua minggu. Boleh saya berkunjung atau menelepon sekitar "
        "{date}? Kita lihat bersama apakah ASI lancar dan bayi menyusu dengan baik."
    ),
    "d28": (
        "Bayi Ibu hampir berumur satu bulan. Saya akan menghubungi Ibu sekitar {date}. "
        "Ingat: ASI saja, tanpa air putih, madu, atau susu lain."
    ),
}
MONTHLY = (
    "Bayi Ibu sudah berumur {label}. Saya akan menghubungi Ibu sekitar {date}, atau "
    "sampai jumpa di posyandu. Teruskan ASI saja sampai 6 bulan; bila ada kesulitan "
    "menyusui, kabari saya."
)
MONTH_LABELS = {"m2": "2 bulan", "m3": "3 bulan", "m4": "4 bulan", "m5": "5 bulan",
                "m6": "hampir 6 bulan"}  # fmt: skip


def message_for(visit: Visit) -> str:
    """The Indonesian message for this visit's contact."""
    facility = visit.baby.mother.facility.name
    body = TEMPLATES.get(visit.key, MONTHLY)
    text = GREETING + " " + body
    return text.format(
        facility=facility,
        date=visit.due_date.strftime("%d/%m/%Y"),
        label=MONTH_LABELS.get(visit.key, visit.key),
    )


def whatsapp_link(visit: Visit) -> str:
    """The wa.me link, or "" when the mother has no phone number."""
    phone = visit.baby.mother.phone
    if not phone:
        return ""
    return f"https://wa.me/{phone_for_whatsapp(phone)}?text={quote(message_for(visit))}"

"""The WhatsApp message that carries a mother's link (Indonesian: it goes to the mother).

No name in the text: the mother knows who she is, and a forwarded message reveals nothing.
"""

from __future__ import annotations

from urllib.parse import quote

from laktasi.instruments import registry
from laktasi.mothers.validators import phone_for_whatsapp

TEXT = (
    "Assalamualaikum/Salam sejahtera, Ibu. Silakan isi {form} ({when}) kelas ASI "
    "langsung di HP Ibu lewat tautan ini: {url} . Tautan ini khusus untuk Ibu, mohon tidak "
    "dibagikan. Terima kasih."
)
WHEN = {"pre": "tes awal, sebelum materi", "post": "tes akhir, sesudah materi"}
# The 24-hour recall: questions about what the baby ate and drank yesterday.
RECALL_TEXT = (
    "Assalamualaikum/Salam sejahtera, Ibu. Ini kunjungan tindak lanjut ASI. Silakan jawab "
    "pertanyaan tentang makan dan minum bayi Ibu KEMARIN (siang dan malam) langsung di HP Ibu "
    "lewat tautan ini: {url} . Tautan ini khusus untuk Ibu, mohon tidak dibagikan. Terima kasih."
)


def whatsapp_text(*, instrument_id: str, timepoint: str, url: str) -> str:
    if timepoint == "followup":
        return RECALL_TEXT.format(url=url)
    form = registry.get(instrument_id).title("id")
    return TEXT.format(form=form, when=WHEN.get(timepoint, timepoint), url=url)


def whatsapp_link(*, phone: str, instrument_id: str, timepoint: str, url: str) -> str:
    """The wa.me link, or "" when the mother has no phone number."""
    if not phone:
        return ""
    text = whatsapp_text(instrument_id=instrument_id, timepoint=timepoint, url=url)
    return f"https://wa.me/{phone_for_whatsapp(phone)}?text={quote(text)}"

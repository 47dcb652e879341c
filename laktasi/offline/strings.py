"""The texts offline.js shows (translated on the server, handed over as JSON in a data attribute)."""

import json

from django.utils.translation import gettext_lazy as _

STRINGS = {
    "online": _("Online"),
    "offline": _("Offline (no signal)"),
    "synced": _("Last synced: {when}"),
    "never_synced": _("Not yet synced on this phone"),
    "syncing": _("Syncing… {done}/{total}"),
    "sync_done": _("Synced: your pages are on this phone."),
    "queue_count": _("{n} entries on this phone, {waiting} waiting to be sent"),
    "state_waiting": _("waiting to be sent"),
    "state_sending": _("being sent…"),
    "state_error": _("not sent yet (server error): will be tried again"),
    "state_login": _("waiting: log in again"),
    "state_conflict": _("could not be saved"),
    "state_submitted": _("sent, waiting for the server's answer"),
    "login_needed": _("Your login has ended. Log in again, then press “Send now”."),
    "server_error": _("The server could not take it now; it will be sent again."),
    "unavailable": _(
        "You can no longer open this record: it may have been restricted or moved. "
        "Tell the bidan, then remove this entry."
    ),
    "queued": _("No signal: saved on this phone, waiting to be sent."),
    "sending_kept": _(
        "Sending… A copy is kept on this phone: if the signal fails, it will be sent later."
    ),
    "open": _("Open"),
    "remove": _("Remove"),
    "remove_confirm": _("Remove this entry from the phone? It will not be sent."),
    "logout_confirm": _(
        "{n} entries have not been sent. Logging out deletes them from this phone. Log out anyway?"
    ),
    "expired": _(
        "The offline copy on this phone was too old and has been deleted. Sync again when you "
        "have signal."
    ),
}


def offline_strings() -> str:
    """The strings in the current language, as JSON for a data attribute (autoescaped)."""
    return json.dumps({key: str(value) for key, value in STRINGS.items()}, ensure_ascii=False)

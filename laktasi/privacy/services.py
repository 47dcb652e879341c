"""Writes for privacy: the access log and the data subject's rights (UU 27/2022).

- ``access_log_record`` (defined in ``access_log.py``, below mothers; kept importable here):
  every view or export of a mother's personal data, by whom.
- ``mother_export``: all her (and her baby's) data, with its change history and access log.
- ``mother_restrict``: stop new processing; she is then listed only to administrators.
- ``mother_erase``: anonymise her in every declared table, history table, admin log and
  stored file, keeping the de-identified rows that the aggregates count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from laktasi.accounts.models import User
from laktasi.mothers.models import Mother
from laktasi.mothers.validators import normalize_phone
from laktasi.privacy import registry
from laktasi.privacy.access_log import access_log_record
from laktasi.privacy.models import AccessAction, AccessLogEntry

# Fields never exported: keys for lookups, not data about her.
NOT_EXPORTED = {"nik_hash"}


# --- export ---------------------------------------------------------------------------------


def _history_manager(model: type[models.Model]):
    name = getattr(model._meta, "simple_history_manager_attribute", None)
    return getattr(model, name) if name else None


def _row_values(row: models.Model) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for fld in row._meta.concrete_fields:
        if fld.name in NOT_EXPORTED:
            continue
        value = fld.value_from_object(row)
        if isinstance(fld, models.FileField):
            value = value.name if value else ""
        values[fld.attname if fld.is_relation else fld.name] = value
    return values


def _history_values(record: models.Model, model: type[models.Model]) -> dict[str, Any]:
    names = {f.name for f in model._meta.concrete_fields} - NOT_EXPORTED
    values = {}
    for fld in record._meta.concrete_fields:
        if fld.name in names or fld.attname in names:
            values[fld.attname if fld.is_relation else fld.name] = fld.value_from_object(record)
    return values


@dataclass(frozen=True)
class MotherExport:
    mother: Mother
    records: dict[str, list[dict[str, Any]]]
    history: dict[str, list[dict[str, Any]]]
    access_log: list[dict[str, Any]]
    exported_at: Any

    def as_dict(self) -> dict[str, Any]:
        return {
            "format": "laktasi-subject-export/1",
            "mother_identifier": self.mother.identifier,
            "exported_at": self.exported_at,
            "records": self.records,
            "history": self.history,
            "access_log": self.access_log,
        }

    def to_json(self) -> bytes:
        return DjangoJSONEncoder(indent=2, ensure_ascii=False).encode(self.as_dict()).encode()


def mother_export(*, mother: Mother) -> MotherExport:
    """Everything laktasi holds about a mother and her babies, for her copy (art. 7 & 8)."""
    records: dict[str, list[dict[str, Any]]] = {}
    history: dict[str, list[dict[str, Any]]] = {}
    for declaration in registry.declarations():
        rows = list(declaration.rows(mother).order_by("pk"))
        if not rows:
            continue
        records[declaration.label] = [_row_values(row) for row in rows]
        manager = _history_manager(declaration.model)
        if manager is None:
            continue
        pk_name = declaration.model._meta.pk.name
        entries = manager.filter(**{f"{pk_name}__in": [r.pk for r in rows]}).order_by(
            "history_date", "history_id"
        )
        history[declaration.label] = [
            {
                "at": entry.history_date,
                "by": entry.history_user.get_username() if entry.history_user else "",
                "type": {"+": "created", "~": "changed", "-": "deleted"}[entry.history_type],
                "values": _history_values(entry, declaration.model),
            }
            for entry in entries.select_related("history_user")
        ]
    log = [
        {"at": e.at, "by": e.username, "action": e.action, "channel": e.channel}
        for e in AccessLogEntry.objects.filter(mother_pk=mother.pk).order_by("at", "pk")
    ]
    return MotherExport(mother, records, history, log, timezone.now())


def _readable_row(model: type[models.Model], row: dict[str, Any]) -> dict[str, Any]:
    """A row with field names and choice codes as the reader's words (verbose names)."""
    fields = {f.attname: f for f in model._meta.concrete_fields}
    out = {}
    for key, value in row.items():
        fld = fields.get(key)
        if fld is None:
            out[key] = value
            continue
        if fld.choices and value not in (None, ""):
            value = dict(fld.flatchoices).get(value, value)
        out[capfirst(str(fld.verbose_name))] = value
    return out


def _readable(export: MotherExport) -> dict[str, Any]:
    """The export's records and history with the names a reader understands, in the active
    language (the JSON export keeps the field names)."""
    models_by_label = {d.label: d.model for d in registry.declarations()}
    kinds = {"created": _("created"), "changed": _("changed"), "deleted": _("deleted")}

    def name(label: str) -> str:
        return capfirst(str(models_by_label[label]._meta.verbose_name))

    records = {
        name(label): [_readable_row(models_by_label[label], row) for row in rows]
        for label, rows in export.records.items()
    }
    history = {
        name(label): [
            {**entry, "type": kinds.get(entry["type"], entry["type"]),
             "values": _readable_row(models_by_label[label], entry["values"])}
            for entry in entries
        ]
        for label, entries in export.history.items()
    }  # fmt: skip
    actions = dict(AccessAction.choices)
    log = [{**e, "action": actions.get(e["action"], e["action"])} for e in export.access_log]
    return {"records": records, "history": history, "access_log": log}


def mother_export_pdf(*, export: MotherExport) -> bytes:
    """The export as a readable PDF (WeasyPrint)."""
    from weasyprint import HTML  # heavy import, and noisy at INFO: only when a PDF is made

    html = render_to_string(
        "privacy/export_pdf.html", {"export": export, "readable": _readable(export)}
    )
    return HTML(string=html).write_pdf()


# --- restriction ----------------------------------------------------------------------------


def mother_restrict(*, mother: Mother, by: User | None, lift: bool = False, channel="web"):
    """Restrict (or lift the restriction of) the processing of a mother's data."""
    if lift and mother.anonymised_at is not None:
        raise ValidationError(_("An erased mother stays restricted."))
    Mother.objects.filter(pk=mother.pk).update(restricted=not lift, updated_at=timezone.now())
    mother.restricted = not lift
    action = AccessAction.UNRESTRICT if lift else AccessAction.RESTRICT
    access_log_record(user=by, mother=mother, action=action, channel=channel)
    return mother


# --- erasure --------------------------------------------------------------------------------


def personal_strings(*, mother: Mother) -> list[str]:
    """The strings that identify her and must not survive erasure anywhere."""
    values = [mother.full_name, mother.nik, mother.phone, mother.address]
    for baby in mother.babies.all():
        values.append(baby.name)
    for companion in mother.companions.all():
        values += [companion.name, companion.phone]
    strings: set[str] = set()
    for value in values:
        value = " ".join((value or "").split())
        if len(value) < 4:
            continue
        strings.add(value)
        phone = normalize_phone(value) if value[:1] in "+0" else ""
        if phone.startswith("0") and len(phone) > 6:
            strings |= {phone, "62" + phone[1:], "+62" + phone[1:]}
    return sorted(strings, key=len, reverse=True)


def _scrub_pattern(text: str) -> str:
    """A pattern for ``text`` as people type it: names with any spacing, numbers (NIK, phone)
    with spaces, dots, dashes or brackets between the digits and an optional ``+``."""
    digits = re.sub(r"\D", "", text)
    if len(digits) >= 8 and len(digits) * 2 >= len(text):
        return r"\+?" + r"[\s.\-()]*".join(digits)
    return r"\s+".join(re.escape(word) for word in text.split())


def scrub(value: Any, strings: list[str]) -> Any:
    """Remove every occurrence of the strings from text, recursively inside JSON values."""
    if isinstance(value, str):
        for text in strings:
            value = re.sub(_scrub_pattern(text), registry.REDACTED, value, flags=re.IGNORECASE)
        return value
    if isinstance(value, list):
        return [scrub(item, strings) for item in value]
    if isinstance(value, dict):
        return {scrub(k, strings): scrub(v, strings) for k, v in value.items()}
    return value


def _erased_value(fld: models.Field, row, value, strategy, strings: list[str]):
    if isinstance(strategy, tuple | list):  # several steps, in order
        for step in strategy:
            value = _erased_value(fld, row, value, step, strings)
        return value
    if callable(strategy):
        return strategy(row, value)
    if strategy == registry.BLANK:
        return None if fld.null and not isinstance(fld, models.CharField | models.TextField) else ""
    if strategy == registry.REDACT:
        return registry.REDACTED if value else value
    if strategy == registry.SCRUB:
        return scrub(value, strings)
    if strategy in (registry.YEAR, registry.MONTH):
        return registry.first_of(value, month=strategy == registry.MONTH)
    if strategy == registry.DELETE_FILE:
        if value:
            value.storage.delete(value.name)
        return ""
    raise ValueError(f"unknown erasure strategy {strategy!r}")


def _erase_rows(declaration: registry.Declaration, mother: Mother, strings: list[str]) -> int:
    model = declaration.model
    rows = list(declaration.rows(mother))
    for row in rows:
        updates = {}
        for name, strategy in declaration.fields.items():
            fld = model._meta.get_field(name)
            value = getattr(row, name)
            updates[fld.attname] = _erased_value(fld, row, value, strategy, strings)
        if updates:
            # A queryset update: no validation of the anonymised row, no new history entry.
            model._default_manager.filter(pk=row.pk).update(**updates)
    pks = [row.pk for row in rows]
    _purge_history(declaration, mother, pks)
    if pks:
        content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
        LogEntry.objects.filter(
            content_type=content_type, object_id__in=[str(pk) for pk in pks]
        ).update(object_repr=f"{model._meta.model_name} (anonymised)", change_message="")
    return len(rows)


def _purge_history(declaration: registry.Declaration, mother: Mother, pks: list) -> None:
    """Delete the history of her rows, including rows deleted earlier (a baby or companion
    removed before the erasure): history is matched by her key, not only by the live rows."""
    model = declaration.model
    manager = _history_manager(model)
    if manager is None:
        return
    by_mother = Q(**{f"{model._meta.pk.name}__in": pks})
    path = declaration.path or ""
    if path == "":
        by_mother |= Q(**{model._meta.pk.name: mother.pk})
    elif "__" not in path:
        by_mother |= Q(**{f"{path}_id": mother.pk})
    manager.filter(by_mother).delete()


@transaction.atomic
def mother_erase(*, mother: Mother, by: User | None, channel: str = "web") -> dict[str, int]:
    """Anonymise a mother everywhere (art. 8 & 43); returns rows touched per model.

    Her rows stay, de-identified, so counts, scores and indicators do not change; every
    declared personal field is blanked, generalised or scrubbed; history rows of those
    objects and their admin-log descriptions go; stored files that name her are deleted.
    """
    mother = Mother.objects.select_for_update().get(pk=mother.pk)
    if mother.anonymised_at is not None:
        raise ValidationError(_("This mother's data has already been erased."))
    strings = personal_strings(mother=mother)
    touched: dict[str, int] = {}
    # Hooks first (they may need her rows to find files), then the rows, Mother last.
    for declaration in registry.declarations():
        if declaration.erase is not None:
            touched[declaration.label + " (hook)"] = declaration.erase(
                mother=mother, strings=strings
            )
    for declaration in reversed(registry.declarations()):
        if declaration.path is not None:
            touched[declaration.label] = _erase_rows(declaration, mother, strings)
    Mother.objects.filter(pk=mother.pk).update(anonymised_at=timezone.now(), restricted=True)
    access_log_record(user=by, mother=mother, action=AccessAction.ERASE, channel=channel)
    return touched

"""What every importer shares: the context, the plan, row errors and mother matching."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from laktasi.accounts import policy
from laktasi.accounts.models import User
from laktasi.core.crypto import keyed_hash
from laktasi.imports.parsers import CellError, Table, clean_text, header_key, parse_nik
from laktasi.mothers.models import Consent, ConsentAction, Mother
from laktasi.mothers.selectors import mother_list
from laktasi.places.models import Facility
from laktasi.programs.models import Program

MASKED_COLUMNS = {"nik", "no_nik", "nomor_nik", "phone", "no_hp", "hp", "telepon", "nomor_hp",
                  "companion_phone", "hp_pendamping"}  # fmt: skip
CHUNK = 2000
Progress = Callable[[int], None]


@dataclass
class Context:
    """Who imports, into which program or facility. ``user=None`` is the CLI operator,
    who has shell access to the database and is therefore not scoped."""

    user: User | None = None
    program: Program | None = None
    facility: Facility | None = None
    instrument_id: str = ""
    instrument_version: str = ""
    accept_incomplete: bool = False


@dataclass
class RowError:
    row: int
    column: str
    value: str
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "message": self.message,
        }


@dataclass
class Plan:
    """What a commit would do. ``creates``/``updates`` hold importer-specific payloads."""

    kind: str
    rows_read: int = 0
    creates: list[Any] = field(default_factory=list)
    updates: list[Any] = field(default_factory=list)
    skipped: int = 0
    skipped_mothers: set[int] = field(default_factory=set)  # linked to the job at commit
    errors: list[RowError] = field(default_factory=list)
    rejected_rows: set[int] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)
    file_error: str = ""
    instrument_id: str = ""
    instrument_version: str = ""
    header: list[str] = field(default_factory=list)
    header_row: int = 0
    constants: dict[str, Any] = field(default_factory=dict)  # values shared by every create
    # Item ids whose column is not in the file: a commit of a scored instrument is refused
    # unless the user accepts responses stored without them (and without score/category).
    missing_items: list[str] = field(default_factory=list)
    blocked_note: str = ""  # why the commit needs that acceptance ("" when it does not)
    # Identifiers read differently from how they were written: {written: (read, [rows])}.
    normalised: dict[str, tuple[str, list[int]]] = field(default_factory=dict)
    update_lines: list[str] = field(default_factory=list)  # what each update changes
    versions: list[Any] = field(default_factory=list)  # (submission, edit) pairs created

    @property
    def rejected(self) -> int:
        return len(self.rejected_rows)

    @property
    def counts(self) -> dict[str, int]:
        return {
            "rows_read": self.rows_read,
            "created": len(self.creates),
            "updated": len(self.updates),
            "skipped": self.skipped,
            "rejected": self.rejected,
        }

    def skip(self, mother_pk: int) -> None:
        """Count a row already in laktasi (its mother is still linked to the job)."""
        self.skipped += 1
        if mother_pk is not None:
            self.skipped_mothers.add(mother_pk)

    def reject(self, row: int, column: str, value: Any, message: str) -> None:
        shown = clean_text(value)
        if header_key(column).replace(" ", "_") in MASKED_COLUMNS and shown:
            shown = "•" * max(len(shown) - 4, 0) + shown[-4:]
        self.errors.append(RowError(row, column, shown[:80], message))
        self.rejected_rows.add(row)

    def check(self) -> None:
        total = len(self.creates) + len(self.updates) + self.skipped + self.rejected
        if total != self.rows_read:
            raise AssertionError(f"row accounting does not add up: {total} != {self.rows_read}")


class Importer:
    """One kind of file. Subclasses plan rows (no writes) and apply a plan (writes)."""

    kind = ""

    def header_score(self, cells: list[str]) -> int:
        raise NotImplementedError

    def plan(self, table: Table, ctx: Context) -> Plan:
        raise NotImplementedError

    def apply(self, plan: Plan, ctx: Context, progress: Progress, job) -> set[int]:
        """Write the plan; returns the pks of the mothers whose rows were written (the job is
        linked to each, so erasure finds the file that holds her)."""
        raise NotImplementedError


def column_index(header: list[str], aliases: dict[str, str]) -> dict[str, int]:
    """Map field names to column positions; the first column with a known alias wins."""
    out: dict[str, int] = {}
    for pos, name in enumerate(header):
        key = header_key(name).replace(" ", "_")
        field_name = aliases.get(key) or aliases.get(header_key(name))
        if field_name and field_name not in out:
            out[field_name] = pos
    return out


def cell(cells: list[Any], pos: int | None) -> Any:
    if pos is None or pos >= len(cells):
        return None
    return cells[pos]


def mothers_in_scope(user: User | None):
    """The mothers an import may touch: the user's scope, or all for the CLI operator; never
    a mother who restricted processing or withdrew consent (not even from the CLI)."""
    if user is None:
        return Mother.objects.exclude(pk__in=policy.blocked_mothers())
    return mother_list(user=user).exclude(pk__in=policy.blocked_mothers())


@dataclass
class MotherRef:
    identifier: str = ""
    nik_hash: str = ""


def mother_ref(row: int, plan: Plan, id_value: Any, nik_value: Any, cols: tuple[str, str]):
    """Read the identifier and/or NIK cells of a row; None (with a row error) when unusable."""
    written = clean_text(id_value)
    identifier = written.upper().replace(" ", "")
    if identifier and written != identifier:
        plan.normalised.setdefault(written, (identifier, []))[1].append(row)
    nik = ""
    if nik_value is not None:
        try:
            nik = parse_nik(nik_value)
        except CellError as exc:
            plan.reject(row, cols[1], nik_value, exc.render())
            return None
    if not identifier and not nik:
        plan.reject(row, cols[0], "", str(MSG_NO_MOTHER))
        return None
    return MotherRef(identifier, keyed_hash(nik) if nik else "")


def match_mothers(user: User | None, refs: Iterable[MotherRef]) -> dict[str, int]:
    """Look up mothers by laktasi identifier and by NIK keyed hash, in the user's scope.

    Returns ``{identifier or "#"+hash: pk}``. Never matches by name.
    """
    refs = list(refs)
    idents = sorted({r.identifier for r in refs if r.identifier})
    hashes = sorted({r.nik_hash for r in refs if r.nik_hash})
    found: dict[str, int] = {}
    qs = mothers_in_scope(user).order_by()
    for chunk_start in range(0, max(len(idents), len(hashes)), CHUNK):
        cond = Q(identifier__in=idents[chunk_start : chunk_start + CHUNK]) | Q(
            nik_hash__in=hashes[chunk_start : chunk_start + CHUNK]
        )
        for pk, ident, nik_hash in qs.filter(cond).values_list("pk", "identifier", "nik_hash"):
            found[ident] = pk
            if nik_hash:
                found["#" + nik_hash] = pk
    return found


def resolve(ref: MotherRef, found: dict[str, int]) -> int | None:
    if ref.identifier:
        return found.get(ref.identifier)
    return found.get("#" + ref.nik_hash)


def consent_in_force(mother_ids: Iterable[int]) -> set[int]:
    """Mothers whose latest consent record is a consent (not a withdrawal)."""
    ids = sorted(set(mother_ids))
    latest: dict[int, str] = {}
    for start in range(0, len(ids), CHUNK):
        rows = (
            Consent.objects.filter(mother_id__in=ids[start : start + CHUNK])
            .order_by("mother_id", "recorded_at", "pk")
            .values_list("mother_id", "action")
        )
        for mother_id, action in rows:
            latest[mother_id] = action
    given = {pk for pk, action in latest.items() if action == ConsentAction.GIVEN}
    # Restricted mothers are few: one query for all of them beats chunks of thousands of ids.
    return given - set(Mother.objects.filter(restricted=True).values_list("pk", flat=True))


# Messages shared by several importers (English msgids, Indonesian in the dictionary).

MSG_NO_MOTHER = _("Give the mother's laktasi ID (LK-…) or NIK.")
MSG_MOTHER_NOT_FOUND = _(
    "No mother with this laktasi ID or NIK in your area; check it (mothers are never matched "
    "by name)."
)
MSG_BAD_IDENTIFIER = _(
    "A laktasi ID looks like LK-ABCD2345 (LK-, then 8 letters A–Z or digits 2–7)."
)

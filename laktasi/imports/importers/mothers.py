"""The mothers template: one row per mother, with her baby and companion.

Idempotency without a submission UUID: a row with a NIK is matched through the NIK's keyed
hash (``Mother.nik_hash``, unique); a row without a NIK needs a ``row_id`` chosen by the
file's author, stored as ``ImportRowKey(<facility pk>:<row_id>)`` (unique). Matching rows
update the mother's non-empty changed fields (and add a baby or companion not yet known);
identical rows are skipped. Mothers are never matched by name. With a program chosen, the
mothers are enrolled in it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import TextChoices
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from laktasi.core.crypto import keyed_hash
from laktasi.imports.importers.base import (
    Context,
    Importer,
    Plan,
    Progress,
    cell,
    column_index,
    mothers_in_scope,
)
from laktasi.imports.models import ImportKind, ImportRowKey
from laktasi.imports.parsers import (
    CellError,
    FileRejected,
    Table,
    clean_text,
    normalise_name,
    parse_bool,
    parse_date,
    parse_int,
    parse_nik,
)
from laktasi.mothers.models import (
    Baby,
    Companion,
    DeliveryMode,
    DeliveryPlace,
    Education,
    Mother,
    Occupation,
    Relationship,
    Sex,
)
from laktasi.mothers.selectors import mother_has_consent
from laktasi.mothers.services import (
    baby_add,
    companion_add,
    consent_record,
    mother_register,
    mother_update,
)
from laktasi.mothers.validators import normalize_phone
from laktasi.places.models import Region, RegionLevel
from laktasi.programs.services import enrollment_add

COLUMNS = {
    "row_id": ["row_id", "id_baris", "no_baris"],
    "nik": ["nik", "no_nik", "nomor_nik"],
    "full_name": ["full_name", "nama", "nama_ibu", "nama_lengkap"],
    "birth_date": ["birth_date", "tanggal_lahir", "tgl_lahir", "tanggal_lahir_ibu"],
    "phone": ["phone", "no_hp", "hp", "telepon", "nomor_hp"],
    "village_code": ["village_code", "kode_desa"],
    "address": ["address", "alamat"],
    "education": ["education", "pendidikan"],
    "occupation": ["occupation", "pekerjaan"],
    "parity": ["parity", "paritas"],
    "delivery_date": ["delivery_date", "tanggal_persalinan"],
    "delivery_mode": ["delivery_mode", "cara_persalinan"],
    "delivery_place": ["delivery_place", "tempat_persalinan"],
    "baby_name": ["baby_name", "nama_bayi"],
    "baby_birth_date": ["baby_birth_date", "tanggal_lahir_bayi"],
    "baby_sex": ["baby_sex", "jenis_kelamin_bayi"],
    "baby_birth_weight_g": ["baby_birth_weight_g", "berat_lahir_bayi_g", "bb_lahir_g"],
    # EIBF and IMD are separate columns (FACTS §17): an "imd" column is IMD, never EIBF.
    "baby_early_initiation": ["baby_early_initiation", "eibf", "menyusu_1_jam"],
    "baby_imd": ["baby_imd", "imd"],
    "companion_relationship": ["companion_relationship", "hubungan_pendamping"],
    "companion_name": ["companion_name", "nama_pendamping"],
    "companion_phone": ["companion_phone", "hp_pendamping"],
    "consent": ["consent", "persetujuan"],
    "consent_version": ["consent_version", "versi_persetujuan"],
}
ALIASES = {alias: name for name, aliases in COLUMNS.items() for alias in aliases}
CHOICES: dict[str, type[TextChoices]] = {
    "education": Education,
    "occupation": Occupation,
    "delivery_mode": DeliveryMode,
    "delivery_place": DeliveryPlace,
    "baby_sex": Sex,
    "companion_relationship": Relationship,
}
EXTRA_WORDS = {
    "baby_sex": {"l": "M", "laki-laki": "M", "laki laki": "M", "p": "F", "perempuan": "F"},
    "companion_relationship": {"suami": "husband", "ibu": "mother", "mertua": "mother_in_law",
                               "ibu mertua": "mother_in_law", "keluarga": "other_family"},
    "education": {"tidak sekolah": "none", "sma/smk": "sma", "smk": "sma", "s1": "university",
                  "d3": "diploma"},
    "occupation": {"irt": "housewife", "ibu rumah tangga": "housewife", "petani": "farmer",
                   "pedagang": "trader", "wiraswasta": "trader", "buruh": "labourer",
                   "pns": "civil_servant", "lainnya": "other"},
    "delivery_mode": {"normal": "vaginal", "sesar": "caesarean", "sc": "caesarean"},
    "delivery_place": {"rumah": "home", "rumah sakit": "hospital", "rs": "hospital"},
}  # fmt: skip
UPDATABLE = ("phone", "address", "education", "occupation", "parity", "delivery_date",
             "delivery_mode", "delivery_place")  # fmt: skip
DEFAULT_CONSENT_VERSION = "import"

MSG_REQUIRED = _("This column is required.")
MSG_CHOICE = _("Unknown value; allowed: %(allowed)s.")
MSG_NEED_KEY = _(
    "Give the NIK or a row_id, so that importing the file again does not register the mother twice."
)
MSG_DUP_IN_FILE = _("Another row of this file has the same NIK or row_id.")
# The same words as any unusable NIK: nothing said about mothers outside the user's scope.
MSG_OTHER_AREA = _(
    "This NIK cannot be used. Check it; if it is right, ask your midwife or administrator."
)
MSG_VILLAGE = _("Unknown village code; use the Kemendagri code of a desa/kelurahan.")


def _choice_map(choices: type[TextChoices], extra: dict[str, str]) -> dict[str, str]:
    out = {}
    for value, label in choices.choices:
        out[value.lower()] = value
        for lang in ("id", "en"):
            with translation.override(lang):
                out[str(label).lower()] = value
    out.update(extra)
    return out


@dataclass
class MotherRow:
    row: int
    fields: dict[str, Any]
    baby: dict[str, Any] | None = None
    companion: dict[str, Any] | None = None
    consent: bool = False
    consent_version: str = DEFAULT_CONSENT_VERSION
    row_key: str = ""
    mother: Mother | None = None
    changes: dict[str, Any] = field(default_factory=dict)


class MothersImporter(Importer):
    kind = ImportKind.MOTHERS

    def header_score(self, cells: list[str]) -> int:
        found = column_index(cells, ALIASES)
        return len(found) if "full_name" in found else 0

    def plan(self, table: Table, ctx: Context) -> Plan:
        plan = Plan(kind=self.kind, rows_read=len(table.rows))
        if ctx.facility is None:
            raise FileRejected(_("Choose the posyandu or facility these mothers belong to."))
        cols = column_index(table.header, ALIASES)
        for needed in ("full_name", "birth_date", "parity"):
            if needed not in cols:
                raise FileRejected(_("The file has no %(name)s column."), name=needed)
        self.cols, self.header = cols, table.header
        self.maps = {
            name: _choice_map(ch, EXTRA_WORDS.get(name, {})) for name, ch in CHOICES.items()
        }
        villages: dict[str, Region | None] = {}
        parsed = [self._row(r, cells, ctx, plan, villages) for r, cells in table.rows]
        parsed = [p for p in parsed if p is not None]
        self._match(parsed, ctx, plan)
        return plan

    def _col(self, name: str) -> str:
        return self.header[self.cols[name]] if name in self.cols else name

    def _get(self, cells, name):
        return cell(cells, self.cols.get(name))

    def _parse(self, cells, name, parser, plan, row, errors):
        raw = self._get(cells, name)
        try:
            return parser(raw)
        except CellError as exc:
            plan.reject(row, self._col(name), raw, exc.render())
            errors.append(name)
            return None

    def _choice(self, cells, name, plan, row, errors) -> str:
        text = clean_text(self._get(cells, name)).lower()
        if not text:
            return ""
        value = self.maps[name].get(text)
        if value is None:
            allowed = ", ".join(CHOICES[name].values)
            plan.reject(row, self._col(name), text, str(MSG_CHOICE) % {"allowed": allowed})
            errors.append(name)
            return ""
        return value

    def _row(self, row, cells, ctx: Context, plan: Plan, villages) -> MotherRow | None:
        errors: list[str] = []
        p = self._parse
        name = p(cells, "full_name", normalise_name, plan, row, errors)
        birth = p(cells, "birth_date", parse_date, plan, row, errors)
        parity = p(cells, "parity", parse_int, plan, row, errors)
        for key, value in (("full_name", name), ("birth_date", birth), ("parity", parity)):
            if key not in errors and value in (None, ""):
                plan.reject(row, self._col(key), "", str(MSG_REQUIRED))
                errors.append(key)
        nik = p(cells, "nik", parse_nik, plan, row, errors) or ""
        fields: dict[str, Any] = {
            "full_name": name or "",
            "birth_date": birth,
            "parity": parity,
            "nik": nik,
            "phone": normalize_phone(clean_text(self._get(cells, "phone"))),
            "address": clean_text(self._get(cells, "address"))[:255],
            "delivery_date": p(cells, "delivery_date", parse_date, plan, row, errors),
            "facility": ctx.facility,
        }
        for key in ("education", "occupation", "delivery_mode", "delivery_place"):
            fields[key] = self._choice(cells, key, plan, row, errors)
        fields["village"] = self._village(cells, ctx, plan, row, errors, villages)
        item = MotherRow(row=row, fields=fields)
        item.baby = self._baby(cells, plan, row, errors, birth)
        item.companion = self._companion(cells, plan, row, errors)
        item.consent = bool(p(cells, "consent", parse_bool, plan, row, errors))
        item.consent_version = clean_text(self._get(cells, "consent_version"))[:20] or (
            DEFAULT_CONSENT_VERSION
        )
        row_id = clean_text(self._get(cells, "row_id"))[:100]
        item.row_key = f"{ctx.facility.pk}:{row_id}" if row_id else ""
        if not nik and not row_id and not errors:
            plan.reject(row, self._col("nik"), "", str(MSG_NEED_KEY))
            errors.append("nik")
        if not errors:
            self._validate(item, plan)
        return None if row in plan.rejected_rows else item

    def _village(self, cells, ctx, plan, row, errors, villages):
        code = clean_text(self._get(cells, "village_code"))
        if not code:
            return ctx.facility.village
        if code not in villages:
            villages[code] = Region.objects.filter(code=code, level=RegionLevel.VILLAGE).first()
        if villages[code] is None:
            plan.reject(row, self._col("village_code"), code, str(MSG_VILLAGE))
            errors.append("village_code")
            return ctx.facility.village
        return villages[code]

    def _baby(self, cells, plan, row, errors, mother_birth) -> dict | None:
        p = self._parse
        birth = p(cells, "baby_birth_date", parse_date, plan, row, errors)
        sex = self._choice(cells, "baby_sex", plan, row, errors)
        weight = p(cells, "baby_birth_weight_g", parse_int, plan, row, errors)
        early = p(cells, "baby_early_initiation", parse_bool, plan, row, errors)
        imd = p(cells, "baby_imd", parse_bool, plan, row, errors)
        name = normalise_name(self._get(cells, "baby_name"))
        if birth is None and not (sex or weight or name):
            return None
        baby = {"name": name, "birth_date": birth, "sex": sex, "birth_weight_g": weight,
                "early_initiation": early, "imd": imd}  # fmt: skip
        try:
            Baby(**baby).full_clean(exclude=["mother"])
        except ValidationError as exc:
            self._field_errors(exc, plan, row, prefix="baby_")
            return None
        if mother_birth and birth and birth <= mother_birth:
            plan.reject(row, self._col("baby_birth_date"), birth,
                        str(_("The baby cannot be born before the mother.")))  # fmt: skip
        return baby

    def _companion(self, cells, plan, row, errors) -> dict | None:
        name = normalise_name(self._get(cells, "companion_name"))
        relationship = self._choice(cells, "companion_relationship", plan, row, errors)
        phone = normalize_phone(clean_text(self._get(cells, "companion_phone")))
        if not (name or relationship or phone):
            return None
        companion = {"name": name, "relationship": relationship, "phone": phone}
        try:
            Companion(**companion).full_clean(exclude=["mother"])
        except ValidationError as exc:
            self._field_errors(exc, plan, row, prefix="companion_")
            return None
        return companion

    def _validate(self, item: MotherRow, plan: Plan) -> None:
        mother = Mother(**item.fields)
        try:
            mother.full_clean(exclude=["identifier"], validate_unique=False,
                              validate_constraints=False)  # fmt: skip
        except ValidationError as exc:
            self._field_errors(exc, plan, item.row)

    def _field_errors(self, exc: ValidationError, plan: Plan, row: int, prefix: str = "") -> None:
        for name, messages in exc.message_dict.items():
            column = prefix + name if prefix + name in COLUMNS else name
            column = "village_code" if column == "village" else column
            for message in messages:
                plan.reject(row, self._col(column) if column in self.cols else column, "", message)

    # -- matching: NIK hash, else row key; never the name

    def _match(self, rows: list[MotherRow], ctx: Context, plan: Plan) -> None:
        hashes = {keyed_hash(r.fields["nik"]): r for r in rows if r.fields["nik"]}
        by_hash = {m.nik_hash: m for m in Mother.objects.filter(nik_hash__in=list(hashes))}
        keys = [r.row_key for r in rows if r.row_key]
        by_key = {
            k.key: k.mother
            for k in ImportRowKey.objects.filter(kind=self.kind, key__in=keys).select_related(
                "mother"
            )
        }
        in_scope = set(
            mothers_in_scope(ctx.user)
            .filter(pk__in=[m.pk for m in [*by_hash.values(), *by_key.values()]])
            .values_list("pk", flat=True)
        )
        seen: set[str] = set()
        for r in rows:
            keys_of_row = {f"#{keyed_hash(r.fields['nik'])}" if r.fields["nik"] else "", r.row_key}
            keys_of_row.discard("")
            if keys_of_row & seen:
                plan.reject(r.row, self._col("nik"), r.fields["nik"], str(MSG_DUP_IN_FILE))
                continue
            seen |= keys_of_row
            mother = None
            if r.fields["nik"]:
                mother = by_hash.get(keyed_hash(r.fields["nik"]))
            if mother is None and r.row_key:
                mother = by_key.get(r.row_key)
            if mother is None:
                plan.creates.append(r)
                continue
            if mother.pk not in in_scope:
                plan.reject(r.row, self._col("nik"), r.fields["nik"], str(MSG_OTHER_AREA))
                continue
            r.mother = mother
            r.changes = self._changes(r, mother)
            if (
                r.changes
                or self._new_baby(r, mother)
                or self._new_companion(r, mother)
                or (r.consent and not mother_has_consent(mother=mother))
                or self._needs_enrolment(ctx, mother)
            ):
                plan.updates.append(r)
            else:
                plan.skip(mother.pk)

    @staticmethod
    def _changes(r: MotherRow, mother: Mother) -> dict[str, Any]:
        out = {}
        for name in UPDATABLE:
            value = r.fields.get(name)
            if value not in (None, "") and getattr(mother, name) != value:
                out[name] = value
        return out

    @staticmethod
    def _needs_enrolment(ctx: Context, mother: Mother) -> bool:
        return (
            ctx.program is not None and not mother.enrollments.filter(program=ctx.program).exists()
        )

    @staticmethod
    def _new_baby(r: MotherRow, mother: Mother) -> bool:
        return bool(r.baby) and not mother.babies.filter(birth_date=r.baby["birth_date"]).exists()

    @staticmethod
    def _new_companion(r: MotherRow, mother: Mother) -> bool:
        return (
            bool(r.companion)
            and not mother.companions.filter(name__iexact=r.companion["name"]).exists()
        )

    # -- writes

    def apply(self, plan: Plan, ctx: Context, progress: Progress, job) -> set[int]:
        written: set[int] = set()
        for r in plan.creates:
            fields = dict(r.fields)
            consent = {"text_version": r.consent_version, "channel": "paper"} if r.consent else None
            mother = mother_register(
                registered_by=ctx.user,
                baby=r.baby,
                companion=r.companion,
                consent=consent,
                **fields,
            )
            written.add(mother.pk)
            if r.row_key:
                ImportRowKey.objects.create(kind=self.kind, key=r.row_key, mother=mother, job=job)
            if ctx.program is not None:
                enrollment_add(program=ctx.program, mother=mother)
            progress(1)
        for r in plan.updates:
            written.add(r.mother.pk)
            self._apply_update(r, ctx, job)
            progress(1)
        return written

    def _apply_update(self, r, ctx: Context, job) -> None:
        """A known mother: corrections, a new baby or companion, consent, enrolment, row key."""
        mother = r.mother
        if r.changes:
            mother_update(mother=mother, **r.changes)
        if self._new_baby(r, mother):
            baby_add(mother=mother, **r.baby)
        if self._new_companion(r, mother):
            companion_add(mother=mother, **r.companion)
        if r.consent and not mother_has_consent(mother=mother):
            consent_record(mother=mother, recorded_by=ctx.user, text_version=r.consent_version)
        if ctx.program is not None:
            enrollment_add(program=ctx.program, mother=mother)
        if r.row_key and not ImportRowKey.objects.filter(kind=self.kind, key=r.row_key).exists():
            ImportRowKey.objects.create(kind=self.kind, key=r.row_key, mother=mother, job=job)

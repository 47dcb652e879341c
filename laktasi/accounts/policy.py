"""The one access policy: may this user see, or do, X to this record?

Every page, form, API endpoint, export, history page and FHIR bundle asks here; nothing else
decides by role. Which *rows* a user may reach at all is the scoping selector's job
(``mothers.selectors.scope``, built on :func:`mother_scope_q` below); this module answers the
questions about *what* she may see or do with a row she reached.

The rules, in one table (``docs/apps.md`` and the README repeat it):

==========================  =====  ===========  =====  =====  ======
question                    admin  coordinator  bidan  kader  viewer
==========================  =====  ===========  =====  =====  ======
names, pages with names     yes    yes          yes    yes    no
full NIK and phone          yes    no (masked)  yes    no     no
register a mother           yes    via program  yes    yes    no
edit a mother in scope      yes    yes          yes    yes    no
move between facilities     yes    no           both   no     no
row-level report files      yes    yes          yes    yes    no
FHIR bundle (full NIK)      yes    no           yes    no     no
her export (JSON/PDF)       yes    no           yes    no     no
change history (masked)     yes    yes          yes    yes    no
start a WhatsApp message    yes    yes          yes    yes    no
restrict, erase             yes    no           no     no     no
start a program (template)  yes    yes          own    no     no
set up facilities, staff    yes    no           no     no     no
restricted / withdrawn      yes    no           no     no     no
==========================  =====  ===========  =====  =====  ======

A WhatsApp message is started through a redirect (``/kunjungan/<visit>/wa/``,
``/tautan/<link>/wa/``): her number goes from the server to WhatsApp in that one answer and is
never written on a page, so a kader or coordinator who may message her still sees it masked.
Each message started is in the access log.

"both" means a midwife whose network (her puskesmas and its posyandu) holds both the mother's
current facility and the new one. Kader and coordinators may *type* a NIK or phone number
(write-only fields) but read them back only masked.

It lives in ``accounts`` because the question starts with the user; it reads places and the
mother model, never the other way round (``accounts.models`` does not import it).
"""

from __future__ import annotations

from django.db.models import OuterRef, Q, QuerySet, Subquery

from laktasi.accounts.models import Role, User
from laktasi.mothers.models import Consent, ConsentAction, Mother
from laktasi.places.models import Facility
from laktasi.places.selectors import facility_ids_for

MASK = "•"


# ---------------------------------------------------------------------------- who is she


def _active(user: User | None) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def is_administrator(user: User | None) -> bool:
    return _active(user) and user.is_administrator


def sees_personal_data(user: User | None) -> bool:
    """Names and pages about single mothers: everyone but viewers (aggregates only)."""
    return _active(user) and user.sees_personal_data


def sees_full_identifiers(user: User | None) -> bool:
    """Full NIK and phone numbers: administrators, and midwives who match mothers with the
    puskesmas record and SATUSEHAT. Kader and coordinators see them masked."""
    return _active(user) and (user.is_administrator or user.role == Role.MIDWIFE)


def may_message(user: User | None) -> bool:
    """Start a WhatsApp message to a mother in scope (the number is never shown on a page)."""
    return sees_personal_data(user)


def sees_restricted(user: User | None) -> bool:
    """Mothers who restricted processing or withdrew consent: administrators only."""
    return is_administrator(user)


# ---------------------------------------------------------------------------- showing fields


def mask_nik(nik: str) -> str:
    return (MASK * 12 + nik[-4:]) if nik else ""


def mask_phone(phone: str) -> str:
    """Only the last three digits, so a masked number cannot be dialled or searched."""
    digits = "".join(ch for ch in phone or "" if ch.isdigit())
    return (MASK * (len(digits) - 3) + digits[-3:]) if len(digits) > 3 else ""


def nik_for(user: User | None, mother: Mother) -> str:
    """Her NIK as this user may read it (full or masked)."""
    return mother.nik if sees_full_identifiers(user) else mask_nik(mother.nik)


def phone_for(user: User | None, phone: str) -> str:
    """A mother's or companion's phone as this user may read it (full or masked)."""
    return phone if sees_full_identifiers(user) else mask_phone(phone)


# Field names whose values are masked for users who do not see full identifiers, wherever
# they appear (history diffs, exports): model field → masking function.
IDENTIFYING_FIELDS = {"nik": mask_nik, "phone": mask_phone, "midwife_phone": mask_phone}


def field_for(user: User | None, name: str, value):
    """Any stored field's value as this user may read it."""
    masker = IDENTIFYING_FIELDS.get(name)
    if masker is None or sees_full_identifiers(user) or not isinstance(value, str):
        return value
    return masker(value)


# ---------------------------------------------------------------------------- rows in scope


def blocked_mothers() -> QuerySet[Mother]:
    """Mothers no one but an administrator may process: restricted (UU 27/2022 art. 7 & 41)
    or whose latest consent record is a withdrawal."""
    latest = Consent.objects.filter(mother_id=OuterRef("pk")).order_by("-recorded_at", "-pk")
    return (
        Mother.objects.annotate(latest_consent=Subquery(latest.values("action")[:1]))
        .filter(Q(restricted=True) | Q(latest_consent=ConsentAction.WITHDRAWN))
        .values("pk")
    )


def may_process(mother: Mother) -> bool:
    """False when nothing new may be recorded about her (restricted or consent withdrawn)."""
    return not blocked_mothers().filter(pk=mother.pk).exists()


def _pk_in(prefix: str) -> str:
    return f"{prefix}in" if prefix else "pk__in"


def mother_scope_q(*, user: User | None, prefix: str = "") -> Q | None:
    """The filter limiting a queryset of mothers (or of rows with ``prefix`` pointing to a
    mother) to the user's scope; None means everything (administrators)."""
    nothing = Q(pk__in=[])
    if not _active(user):
        return nothing
    if user.is_administrator:
        return None
    if user.role == Role.COORDINATOR:
        # A subquery, not a join, so rows are not repeated when she is in two programs.
        enrolled = Mother.objects.filter(enrollments__program__team=user).values("pk")
        condition = Q(**{_pk_in(prefix): enrolled})
    elif user.role in {Role.MIDWIFE, Role.CADRE}:
        condition = Q(**{f"{prefix}facility__in": facility_ids_for(user=user) or set()})
    else:
        return nothing
    return condition & ~Q(**{_pk_in(prefix): blocked_mothers()})


# ---------------------------------------------------------------------------- doing things


def may_register(user: User | None) -> bool:
    """Midwives, cadres and administrators register from the mother list; coordinators only
    from their program's page (so the mother is enrolled, and visible to them)."""
    return sees_personal_data(user) and user.role != Role.COORDINATOR


def may_edit_mother(user: User | None, mother: Mother) -> bool:
    """Correct a mother she reached through the scope (restricted ones: nobody, see M3)."""
    return sees_personal_data(user) and not mother.restricted


def facility_choices(user: User | None) -> QuerySet[Facility]:
    """Facilities where this user may place a mother (registration, correction, imports):
    every one for administrators, the own network for midwives and cadres, the facilities of
    their programs for coordinators, none for viewers."""
    qs = Facility.objects.select_related("village", "puskesmas")
    if not sees_personal_data(user):
        return qs.none()
    if user.is_administrator:
        return qs
    if user.role == Role.COORDINATOR:
        return qs.filter(pk__in=user.programs.values("facility"))
    return qs.filter(pk__in=facility_ids_for(user=user) or set())


def may_start_program(user: User | None) -> bool:
    """Create a program (from a template): administrators, coordinators and midwives."""
    return _active(user) and user.role in {Role.ADMIN, Role.COORDINATOR, Role.MIDWIFE}


def program_facility_choices(user: User | None) -> QuerySet[Facility]:
    """Facilities a new program may belong to: all for administrators and coordinators (who
    run programs across facilities), the own network ("own") for midwives, none otherwise."""
    qs = Facility.objects.select_related("village", "puskesmas")
    if not may_start_program(user):
        return qs.none()
    if user.is_administrator or user.role == Role.COORDINATOR:
        return qs
    return qs.filter(pk__in=facility_ids_for(user=user) or set())


def may_move_mother(user: User | None, mother: Mother, target: Facility) -> bool:
    """Move her to another facility: an administrator, or a midwife whose network holds both
    the old and the new facility. Staying where she is is not a move."""
    if target.pk == mother.facility_id:
        return True
    if is_administrator(user):
        return True
    if not _active(user) or user.role != Role.MIDWIFE:
        return False
    network = facility_ids_for(user=user) or set()
    return mother.facility_id in network and target.pk in network


def may_export_rows(user: User | None) -> bool:
    """Row-level report files (CSV, SPSS, the XLSX raw-data sheet): never viewers, who see
    aggregates only; the rows are always limited to the user's scope."""
    return sees_personal_data(user)


# Report formats that carry one row per mother (the XLSX has a data sheet).
ROW_LEVEL_FORMATS = frozenset({"xlsx", "sav", "csv"})


def may_export_format(user: User | None, fmt: str) -> bool:
    """A report format: aggregate ones for anyone who reaches the program, row-level ones
    only when :func:`may_export_rows`."""
    return fmt not in ROW_LEVEL_FORMATS or may_export_rows(user)


def may_export_fhir(user: User | None) -> bool:
    """A FHIR bundle carries full NIK and phone numbers for SATUSEHAT matching."""
    return sees_full_identifiers(user)


def may_export_subject_data(user: User | None) -> bool:
    """Her own copy (JSON/PDF, art. 7) is complete, NIK and phone included."""
    return sees_full_identifiers(user)


def may_view_history(user: User | None) -> bool:
    """The change history of a mother in scope (identifiers masked by :func:`field_for`)."""
    return sees_personal_data(user)


def may_restrict_or_erase(user: User | None) -> bool:
    return is_administrator(user)

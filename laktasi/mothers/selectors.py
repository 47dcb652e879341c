"""Reads for mothers and everything personal attached to them, scoped to the user.

Every view, form choice, admin page and API endpoint reads mothers through here; the rule of
which mothers a user may see is ``laktasi.accounts.policy.mother_scope_q``.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from laktasi.accounts import policy
from laktasi.accounts.models import User
from laktasi.core.crypto import keyed_hash
from laktasi.mothers.models import Baby, Companion, Consent, ConsentAction, Mother
from laktasi.mothers.validators import normalize_nik


def scope(qs: QuerySet, *, user: User, prefix: str = "") -> QuerySet:
    """Apply the mother scope to any queryset whose rows belong to a mother.

    The scope itself (role, network, program team, and that restricted mothers and mothers who
    withdrew consent are for administrators only) is ``laktasi.accounts.policy``'s.
    """
    condition = policy.mother_scope_q(user=user, prefix=prefix)
    return qs if condition is None else qs.filter(condition)


def mother_list(
    *,
    user: User,
    search: str = "",
    village: str = "",
    facility: int | None = None,
) -> QuerySet[Mother]:
    """Mothers the user may see, optionally searched by name or identifier."""
    qs = scope(Mother.objects.select_related("village", "facility"), user=user)
    search = search.strip()
    if search:
        nik = normalize_nik(search)
        condition = Q(full_name__icontains=search) | Q(identifier__iexact=search)
        if nik.isdigit() and len(nik) == 16:
            condition |= Q(nik_hash=keyed_hash(nik))
        qs = qs.filter(condition)
    if village:
        qs = qs.filter(village__code__startswith=village)
    if facility:
        qs = qs.filter(facility_id=facility)
    return qs.order_by("full_name", "pk")


# The instrument whose post-test the lists track, and the response categories they filter by.
# Strings, not imports: instruments depends on mothers, not the other way round.
POST_TEST_INSTRUMENT = "knowledge_test"


def mother_search(
    *,
    user: User,
    search: str = "",
    village: str = "",
    facility: int | None = None,
    category: str = "",
    missing_post_test: bool = False,
) -> QuerySet[Mother]:
    """The mother list with its filters.

    ``category``: mothers with a recorded result in that category (any instrument, e.g.
    ``kurang`` or ``belum_kompeten``). ``missing_post_test``: mothers enrolled in a program who
    have no post knowledge test yet.
    """
    qs = mother_list(user=user, search=search, village=village, facility=facility)
    if category:
        qs = qs.filter(pk__in=Mother.objects.filter(responses__category=category).values("pk"))
    if missing_post_test:
        done = Mother.objects.filter(
            responses__instrument_id=POST_TEST_INSTRUMENT, responses__timepoint="post"
        ).values("pk")
        enrolled = Mother.objects.filter(enrollments__isnull=False).values("pk")
        qs = qs.filter(pk__in=enrolled).exclude(pk__in=done)
    return qs


def mother_get(*, user: User, pk: int | str) -> Mother:
    """One mother in scope, or Http404 (never a 403 that would confirm she exists)."""
    try:
        return mother_list(user=user).get(pk=pk)
    except (Mother.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("mother not found") from exc


def mother_get_by_identifier(*, user: User, identifier: str) -> Mother:
    try:
        return mother_list(user=user).get(identifier=identifier.strip().upper())
    except Mother.DoesNotExist as exc:
        raise Http404("mother not found") from exc


def baby_list(*, user: User) -> QuerySet[Baby]:
    return scope(Baby.objects.select_related("mother"), user=user, prefix="mother__")


def baby_get(*, user: User, pk: int | str) -> Baby:
    try:
        return baby_list(user=user).get(pk=pk)
    except (Baby.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("baby not found") from exc


def companion_list(*, user: User) -> QuerySet[Companion]:
    return scope(Companion.objects.select_related("mother"), user=user, prefix="mother__")


def companion_get(*, user: User, pk: int | str) -> Companion:
    try:
        return companion_list(user=user).get(pk=pk)
    except (Companion.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("companion not found") from exc


def consent_list(*, user: User) -> QuerySet[Consent]:
    return scope(Consent.objects.select_related("mother"), user=user, prefix="mother__")


def consent_get(*, user: User, pk: int | str) -> Consent:
    try:
        return consent_list(user=user).get(pk=pk)
    except (Consent.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("consent not found") from exc


def mother_has_consent(*, mother: Mother) -> bool:
    """True when the mother's latest consent record is a consent, not a withdrawal."""
    latest = mother.consents.order_by("-recorded_at", "-pk").first()
    return latest is not None and latest.action == ConsentAction.GIVEN


def mother_likely_duplicates(
    *, nik: str = "", full_name: str = "", birth_date=None, village_code: str = ""
) -> QuerySet[Mother]:
    """Mothers that are probably the same person: same NIK, or same name + birth date +
    village. Deliberately unscoped, so a duplicate in another posyandu is still caught; callers
    show only that a duplicate exists, never the other record's details."""
    condition = Q(pk__in=[])
    nik = normalize_nik(nik)
    if nik:
        condition |= Q(nik_hash=keyed_hash(nik))
    if full_name and birth_date and village_code:
        condition |= Q(
            full_name__iexact=full_name.strip(), birth_date=birth_date, village_id=village_code
        )
    return Mother.objects.filter(condition)

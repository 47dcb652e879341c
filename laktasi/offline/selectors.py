"""What a field worker's phone caches: the URLs of the pages of her own scope.

Every list comes from the selectors the pages themselves use, so the phone receives exactly
what she could open online, nothing more.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db.models import Count, Max
from django.urls import reverse
from django.utils import timezone

from laktasi.accounts import policy
from laktasi.accounts.models import User
from laktasi.followups.selectors import task_list, visit_list
from laktasi.mothers.selectors import mother_list
from laktasi.programs.selectors import enrollment_list, session_list

SESSION_DAYS = 14
POST_TEST = "knowledge_test"  # the post-test the program pages track (mothers.selectors)  # attendance pages of sessions in the next two weeks (and today's)

# Pages every field worker needs, whoever her mothers are (no personal data in them).
COMMON_PAGES = ("followups:tasks", "materials:qa", "materials:guide_page")


@dataclass(frozen=True)
class SyncManifest:
    urls: list[str]
    etag: str


def _task_urls(user: User) -> list[str]:
    tasks = task_list(user=user)
    visits = [t.visit for group in (tasks.overdue, tasks.due_today, tasks.upcoming,
                                    tasks.missed) for t in group]  # fmt: skip
    urls = [reverse("followups:record", args=[v.pk]) for v in visits]
    babies = sorted({v.baby_id for v in visits})
    mothers = sorted({v.baby.mother_id for v in visits})
    urls += [reverse("followups:baby", args=[pk]) for pk in babies]
    urls += [reverse("mothers:detail", args=[pk]) for pk in mothers]
    return urls


def _session_urls(user: User) -> list[str]:
    """Session pages of today and the next two weeks, and the post-test form (the form a
    session day ends with) and page of each mother enrolled in those sessions' programs."""
    today = timezone.localdate()
    start = timezone.make_aware(datetime.combine(today, time.min))
    sessions = session_list(user=user).filter(
        starts_at__gte=start, starts_at__lt=start + timedelta(days=SESSION_DAYS + 1)
    )
    urls = [reverse("programs:session", args=[s.pk]) for s in sessions]
    programs = {s.program_id for s in sessions}
    enrolled = enrollment_list(user=user).filter(program_id__in=programs)
    for mother_pk, program_pk in enrolled.values_list("mother_id", "program_id"):
        form = reverse("instruments:fill", args=[mother_pk, POST_TEST, "post"])
        urls.append(f"{form}?program={program_pk}")
        urls.append(reverse("mothers:detail", args=[mother_pk]))
    return urls


def _fingerprint(user: User, urls: list[str]) -> str:
    """Changes whenever a cached page could change: the URL list, or any visit or mother of
    her scope edited (updated_at) or added."""
    visits = visit_list(user=user).aggregate(n=Count("pk"), last=Max("updated_at"))
    mothers = mother_list(user=user).aggregate(n=Count("pk"), last=Max("updated_at"))
    basis = json.dumps(
        [urls, visits, mothers, str(timezone.localdate())], default=str, sort_keys=True
    )
    return hashlib.sha256(basis.encode()).hexdigest()[:32]


def sync_manifest(*, user: User) -> SyncManifest:
    """The pages to cache for ``user`` (relative URLs, sorted) and their ETag."""
    urls = [reverse(name) for name in COMMON_PAGES]
    if policy.may_register(user):
        urls.append(reverse("mothers:register"))
    urls += _task_urls(user) + _session_urls(user)
    urls = sorted(set(urls))
    return SyncManifest(urls=urls, etag=_fingerprint(user, urls))

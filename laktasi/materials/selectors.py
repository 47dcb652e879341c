"""Reads for the materials app: Q&A search (per database), program videos, leaflet footers.

Q&A entries are public health education, not personal data. Program videos are visible to the
users who may open their program (``laktasi.programs.selectors.program_list``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse

from laktasi.accounts.models import Role, User
from laktasi.materials import content, redflags, search
from laktasi.materials.leaflet import LeafletFooter
from laktasi.materials.models import ProgramVideo, QAEntry
from laktasi.programs.models import Program
from laktasi.programs.selectors import program_list

QA_LIMIT = 5

# SQLite FTS5: weights keywords 10, question 4, answer 1 (the first column, lang, is unindexed).
_FTS5_SQL = (
    "SELECT e.id FROM materials_qa_fts f JOIN materials_qaentry e ON e.id = f.rowid / 2 "
    "WHERE materials_qa_fts MATCH %s AND f.lang = %s AND e.published "
    "ORDER BY bm25(materials_qa_fts, 0.0, 10.0, 4.0, 1.0), e.id LIMIT %s"
)
# PostgreSQL: generated, weighted tsvector columns (A keywords, B question, D answer). ts_rank has
# no IDF, so each query term is ranked alone (normalised by document length) and weighted by
# its bm25 inverse document frequency; that ranks the everyday phrasings as FTS5 does.
_PG_SQL_TEMPLATE = """
WITH terms AS (SELECT DISTINCT t.term FROM unnest(%s::text[]) AS t(term)),
docs AS (SELECT id, search_vector_LANG AS v FROM materials_qaentry WHERE published),
df AS (SELECT terms.term, count(docs.id) AS n FROM terms
       LEFT JOIN docs ON docs.v @@ to_tsquery('simple', terms.term) GROUP BY terms.term),
total AS (SELECT count(*) AS n FROM docs)
SELECT docs.id FROM docs CROSS JOIN total
JOIN df ON docs.v @@ to_tsquery('simple', df.term)
GROUP BY docs.id
ORDER BY sum(ln((total.n - df.n + 0.5) / (df.n + 0.5) + 1)
             * ts_rank(docs.v, to_tsquery('simple', df.term), 2)) DESC, docs.id
LIMIT %s
"""
_PG_SQL = {lang: _PG_SQL_TEMPLATE.replace("LANG", lang) for lang in ("id", "en")}


@dataclass(frozen=True)
class QAHit:
    """One Q&A entry localised for display."""

    slug: str
    topic: str
    question: str
    answer: str
    seek_help: str
    sources: list[dict]


def _hit(entry: QAEntry, lang: str, topics: dict[str, str]) -> QAHit:
    known = {src["id"] for src in content.sources(lang=lang)}
    return QAHit(
        slug=entry.slug,
        topic=topics.get(entry.topic, entry.topic),
        question=entry.question(lang),
        answer=entry.answer(lang),
        seek_help=entry.seek_help(lang),
        sources=content.sources(lang=lang, ids=[s for s in entry.sources if s in known]),
    )


def _search_ids(query: str, *, lang: str, limit: int) -> list[int]:
    if connection.vendor == "postgresql":
        terms = search.pg_terms(query)
        if not terms:
            return []
        with connection.cursor() as cursor:
            cursor.execute(_PG_SQL[lang], [terms, limit])
            return [row[0] for row in cursor.fetchall()]
    match = search.fts5_match(query)
    if not match:
        return []
    with connection.cursor() as cursor:
        cursor.execute(_FTS5_SQL, [match, lang, limit])
        return [row[0] for row in cursor.fetchall()]


def qa_search_entries(*, query: str, lang: str = "id", limit: int = QA_LIMIT) -> list[QAEntry]:
    """Published entries best matching ``query`` in ``lang``, best first.

    When the query names a danger sign (:func:`laktasi.materials.redflags.danger_signs`), the
    matching danger entries come first, most urgent first, on every database; the full-text
    hits (SQLite FTS5 or PostgreSQL) follow without duplicates.
    """
    content.check_lang(lang)
    query = query[:200]
    flagged = redflags.danger_signs(query).entries
    danger = {e.slug: e for e in QAEntry.objects.filter(slug__in=flagged, published=True)}
    first = [danger[slug] for slug in flagged if slug in danger]
    ids = _search_ids(query, lang=lang, limit=limit)
    entries = QAEntry.objects.in_bulk(ids)
    rest = [entries[pk] for pk in ids if pk in entries and entries[pk] not in first]
    return (first + rest)[: max(limit, len(first))]


def qa_search(*, query: str, lang: str = "id", limit: int = QA_LIMIT) -> list[QAHit]:
    """Like :func:`qa_search_entries`, localised for display."""
    topics = content.qa_topics(lang=lang)
    return [_hit(e, lang, topics) for e in qa_search_entries(query=query, lang=lang, limit=limit)]


def qa_list(*, lang: str = "id") -> list[QAHit]:
    """Every published entry, localised, by topic."""
    content.check_lang(lang)
    topics = content.qa_topics(lang=lang)
    return [_hit(e, lang, topics) for e in QAEntry.objects.filter(published=True)]


# --- program videos ----------------------------------------------------------------------


def program_video_list(*, user: User, program: Program | None = None) -> QuerySet[ProgramVideo]:
    qs = ProgramVideo.objects.filter(program__in=program_list(user=user)).select_related(
        "program", "session"
    )
    return qs.filter(program=program) if program is not None else qs


def program_video_get(*, user: User, pk: int | str) -> ProgramVideo:
    try:
        return program_video_list(user=user).get(pk=pk)
    except (ProgramVideo.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("video not found") from exc


def can_upload_video(*, user: User) -> bool:
    """Coordinators, midwives and administrators attach videos to the programs they see."""
    return user.is_authenticated and (
        user.is_administrator or user.role in {Role.COORDINATOR, Role.MIDWIFE}
    )


# --- leaflet footer -----------------------------------------------------------------------


def absolute_url(path: str) -> str:
    """``path`` on this laktasi's public address (``LAKTASI_BASE_URL``)."""
    return settings.LAKTASI_BASE_URL.rstrip("/") + path


def guide_page_url(*, lang: str) -> str:
    return absolute_url(
        reverse("materials:guide_page_en" if lang == "en" else "materials:guide_page")
    )


def program_qr_url(*, program: Program, lang: str) -> str:
    """What a program leaflet's QR code opens: the program's video link when it has one
    (a link works for anyone; an uploaded file needs a login), else the phone guide page."""
    link = (
        ProgramVideo.objects.filter(program=program)
        .exclude(url="")
        .order_by("created_at", "pk")
        .values_list("url", flat=True)
        .first()
    )
    return link or program.video_url or guide_page_url(lang=lang)


def program_midwife(program: Program) -> User | None:
    """The first midwife on the staff of the program's facility (or its puskesmas)."""
    facility = program.facility
    candidates = facility.staff.filter(role=Role.MIDWIFE, is_active=True).order_by("pk")
    midwife = candidates.first()
    if midwife is None and facility.puskesmas_id:
        midwife = (
            facility.puskesmas.staff.filter(role=Role.MIDWIFE, is_active=True)
            .order_by("pk")
            .first()
        )
    return midwife


def program_leaflet_footer(
    *, program: Program, lang: str, midwife_name: str = "", midwife_phone: str = ""
) -> LeafletFooter:
    """The local details of a program's leaflet: facility, midwife, phone, schedule, QR.

    Users carry no phone number, so the phone is the facility's unless one is given.
    """
    facility = program.facility
    midwife = program_midwife(program)
    name = midwife_name or (midwife.get_full_name() or midwife.get_username() if midwife else "")
    return LeafletFooter(
        facility_name=str(facility.name)[:120],
        midwife_name=name[:120],
        midwife_phone=(midwife_phone or facility.phone)[:120],
        posyandu_schedule=_schedule(program)[:120],
        qr_url=program_qr_url(program=program, lang=lang),
    )


def _schedule(program: Program) -> str:
    facility = program.facility
    if facility.schedule:
        return facility.schedule
    posyandu = facility.posyandu_set.exclude(schedule="").order_by("name").first()
    return f"{posyandu.name}: {posyandu.schedule}" if posyandu else ""

"""Q&A knowledge-base search: query normalisation plus the database's full-text search.

Ranking is done by the database (SQLite FTS5 ``bm25``, PostgreSQL ``ts_rank_cd``); this
module only prepares text so that everyday Indonesian phrasing meets the stored entries:

1. :func:`normalize_query` lower-cases, strips punctuation and rewrites chat spellings and
   slang ("ga"/"gak"/"nggak" -> "tidak", "sufor" -> "susu formula", "asip" -> "asi perah",
   "gimana" -> "bagaimana", ...). It is applied to queries *and* to stored text.
2. :func:`index_terms` adds light Indonesian stem variants (di-/ke-/ter-/ber-/meN-/peN-
   prefixes, -nya/-kan/-an/-lah/-kah suffixes) so "dicairkan", "mencairkan" and "cair"
   meet. It is not a ranker: it only decides which words are indexed.
3. :func:`fts5_match` turns a query into an FTS5 MATCH expression: every content word as a
   prefix term, plus each adjacent word pair as a phrase, OR-ed, so entries matching more
   words and exact phrases rank higher under bm25.

SQL plan (the Django model ``QAEntry(entry_id, lang, question, answer, seek_help, keywords,
search_keywords, search_question, search_answer)`` stores ``index_terms(...)`` of each field
in the ``search_*`` columns when an entry is saved; see :func:`document_columns`):

SQLite (FTS5, external-content table kept in sync by triggers, created in a migration)::

    CREATE VIRTUAL TABLE materials_qa_fts USING fts5(
        search_keywords, search_question, search_answer,
        content='materials_qaentry', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2');
    -- triggers: AFTER INSERT/UPDATE/DELETE ON materials_qaentry -> insert/'delete' rows
    SELECT e.entry_id FROM materials_qa_fts f JOIN materials_qaentry e ON e.id = f.rowid
     WHERE materials_qa_fts MATCH :match AND e.lang = :lang
     ORDER BY bm25(materials_qa_fts, 10.0, 4.0, 1.0) LIMIT :limit;

PostgreSQL (generated tsvector + GIN index; the 'simple' configuration, because there is no
Indonesian stemmer in core PostgreSQL and the stems are already in the search columns)::

    ALTER TABLE materials_qaentry ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple', search_keywords), 'A') ||
        setweight(to_tsvector('simple', search_question), 'B') ||
        setweight(to_tsvector('simple', search_answer), 'D')) STORED;
    CREATE INDEX materials_qaentry_search ON materials_qaentry USING GIN (search_vector);
    SELECT entry_id FROM materials_qaentry
     WHERE lang = :lang AND search_vector @@ to_tsquery('simple', :tsquery)
     ORDER BY ts_rank_cd(search_vector, to_tsquery('simple', :tsquery)) DESC LIMIT :limit;

In laktasi (``selectors.qa_search_entries``) the PostgreSQL rank adds IDF like bm25: each
term of :func:`pg_terms` is ranked alone with ``ts_rank(vector, term, 2)`` (normalised by the
document length) and weighted by ``ln((N - n + 0.5) / (n + 0.5) + 1)``, n being the number of
entries that contain it. :func:`pg_tsquery` builds the plain OR-ed raw tsquery (``word:*``
terms and ``<->`` phrases).

:func:`build_fts5_index` and :func:`fts5_search` are the working prototype on an in-memory
``sqlite3`` database, used by the tests against ``tests/materials/search_cases.yaml``.
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from collections.abc import Iterable
from typing import Any

from laktasi.materials import content

#: Chat spellings, slang and common typos -> standard Indonesian (applied per token).
SLANG: dict[str, str] = {
    # negation
    "ga": "tidak",
    "gak": "tidak",
    "gk": "tidak",
    "ngga": "tidak",
    "nggak": "tidak",
    "nggk": "tidak",
    "enggak": "tidak",
    "engga": "tidak",
    "tdk": "tidak",
    "ndak": "tidak",
    "nda": "tidak",
    "kagak": "tidak",
    "ogah": "tidak mau",
    # milk words
    "sufor": "susu formula",
    "sf": "susu formula",
    "asip": "asi perah",
    "asiperah": "asi perah",
    "asix": "asi eksklusif",
    "ekslusif": "eksklusif",
    "esklusif": "eksklusif",
    "exclusive": "eksklusif",
    "eksklusive": "eksklusif",
    "kolostrom": "kolostrum",
    "colostrum": "kolostrum",
    "mpasi": "mp asi",
    "nenen": "menyusu",
    "mimik": "menyusu",
    "nyusu": "menyusu",
    "netek": "menyusu",
    "nete": "menyusu",
    "nyusuin": "menyusui",
    "nyusui": "menyusui",
    "nenenin": "menyusui",
    "tetek": "payudara",
    "toket": "payudara",
    "pd": "payudara",
    "pumping": "pompa",
    "mompa": "pompa",
    "frezer": "freezer",
    "friser": "freezer",
    "frizer": "freezer",
    "kulkas1": "kulkas 1",
    # baby
    "dede": "bayi",
    "dedek": "bayi",
    "adek": "bayi",
    "baby": "bayi",
    "bayiku": "bayi",
    "anakku": "anak",
    "pipis": "kencing",
    "pup": "bab",
    "eek": "bab",
    "mencret": "diare",
    "nangis": "menangis",
    # question words and fillers
    "gimana": "bagaimana",
    "gmn": "bagaimana",
    "bgmn": "bagaimana",
    "knp": "kenapa",
    "napa": "kenapa",
    "brp": "berapa",
    "brapa": "berapa",
    "kalo": "kalau",
    "klo": "kalau",
    "kl": "kalau",
    "yg": "yang",
    "dgn": "dengan",
    "utk": "untuk",
    "buat": "untuk",
    "krn": "karena",
    "sdh": "sudah",
    "udah": "sudah",
    "udh": "sudah",
    "dah": "sudah",
    "blm": "belum",
    "blum": "belum",
    "bgt": "banget",
    "aja": "saja",
    "bs": "bisa",
    "tp": "tapi",
    "jd": "jadi",
    "jg": "juga",
    "sy": "saya",
    "aku": "saya",
    "gue": "saya",
    "gw": "saya",
    "sm": "sama",
    "lg": "lagi",
    "dr": "dari",
    "sampe": "sampai",
    "ampe": "sampai",
    "pake": "pakai",
    "pakek": "pakai",
    "dikasih": "diberi",
    "dikasi": "diberi",
    "kasih": "beri",
    "kasi": "beri",
    "ngasih": "memberi",
    "abis": "habis",
    "bener": "benar",
    "gede": "besar",
    "dikit": "sedikit",
    "bnyk": "banyak",
    "byk": "banyak",
    "ngeluarin": "mengeluarkan",
    "anget": "hangat",
    "ngangetin": "menghangatkan",
    "angetin": "hangatkan",
    "cape": "capek",
    "ngantor": "kerja kantor",
    "gpp": "tidak apa apa",
    "pas": "saat",
    "bikin": "membuat",
    "ngilangin": "menghilangkan",
    "dipijet": "dipijat",
    "pijet": "pijat",
    "mijet": "memijat",
    "sesar": "sesar",
    "caesar": "sesar",
    "cesar": "sesar",
    "sc": "sesar",
}

#: Function words that carry no topic (dropped from queries; indexed text keeps them).
STOPWORDS = frozenset(
    [
        "yang",
        "di",
        "ke",
        "dari",
        "dan",
        "atau",
        "ini",
        "itu",
        "apa",
        "apakah",
        "bagaimana",
        "kenapa",
        "mengapa",
        "kalau",
        "jika",
        "bila",
        "apabila",
        "saya",
        "kami",
        "kita",
        "dia",
        "ia",
        "nya",
        "ya",
        "kah",
        "lah",
        "dong",
        "sih",
        "deh",
        "kok",
        "nih",
        "tuh",
        "loh",
        "si",
        "dengan",
        "untuk",
        "pada",
        "dalam",
        "juga",
        "saja",
        "sudah",
        "belum",
        "akan",
        "bisa",
        "boleh",
        "harus",
        "perlu",
        "masih",
        "lagi",
        "ada",
        "adakah",
        "the",
        "a",
        "an",
        "is",
        "are",
        "do",
        "does",
        "can",
        "to",
        "of",
        "in",
        "on",
        "for",
        "my",
        "i",
        "it",
        "be",
        "should",
        "what",
        "how",
        "why",
        "when",
    ]
)

_PUNCT = re.compile(r"[^\w\s]|_")
_PREFIXES = ("meng", "meny", "mem", "men", "me", "peng", "peny", "pem", "pen", "pe",
             "ber", "ter", "di", "ke", "se")  # fmt: skip
_SUFFIXES = ("nya", "kah", "lah", "kan", "an", "i")
# meN-/peN- drop the first consonant of roots starting with k/p/s/t.
_RECODE = {"meng": "k", "peng": "k", "mem": "p", "pem": "p", "meny": "s", "peny": "s",
           "men": "t", "pen": "t"}  # fmt: skip


def normalize_query(text: str) -> str:
    """Lower-case, strip punctuation and standardise slang: "ASI ga keluar!" -> "asi tidak keluar"."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = text.replace("mp-asi", "mpasi").replace("asi-nya", "asinya")
    text = _PUNCT.sub(" ", text)
    tokens: list[str] = []
    for token in text.split():
        tokens.extend(SLANG.get(token, token).split())
    return " ".join(tokens)


def _strip_one(word: str, suffixes) -> str | None:
    """The word without the first of ``suffixes`` it ends with, if at least 4 letters stay."""
    for suffix in suffixes:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return None


def _suffix_bases(word: str) -> set[str]:
    """The word and its stem without one suffix (and, after -nya, without -kan/-an/-i)."""
    bases = {word}
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            base = word[: -len(suffix)]
            bases.add(base)
            inner = _strip_one(base, ("kan", "an", "i")) if suffix == "nya" else None
            if inner is not None:
                bases.add(inner)
            break
    return bases


def _prefix_roots(base: str) -> set[str]:
    """Roots of ``base`` without its prefix (recoded: me-ny… → s…), and without -kan/-an/-i."""
    prefix = next((p for p in _PREFIXES if base.startswith(p)), None)
    if prefix is None or len(base) - len(prefix) < 4:
        return set()
    root = base[len(prefix) :]
    roots = {root}
    if prefix in _RECODE and root[0] in "aeiou":
        roots.add(_RECODE[prefix] + root)
    stripped = _strip_one(root, ("kan", "an", "i"))
    if stripped is not None:
        roots.add(stripped)
    return roots


def stem_variants(word: str) -> set[str]:
    """The word plus candidate stems after stripping common Indonesian affixes."""
    variants = {word}
    if len(word) < 5 or not word.isalpha():
        return variants
    bases = _suffix_bases(word)
    for base in list(bases):
        bases |= _prefix_roots(base)
    variants |= {b for b in bases if len(b) >= 4}
    return variants


def index_terms(text: str) -> str:
    """Text for a full-text column: normalised words followed by their stem variants."""
    words = normalize_query(text).split()
    extra: list[str] = []
    seen = set(words)
    for word in words:
        for variant in sorted(stem_variants(word)):
            if variant not in seen:
                seen.add(variant)
                extra.append(variant)
    return " ".join(words + extra)


def query_words(text: str) -> list[str]:
    """The normalised content words of a query (stopwords removed, order kept)."""
    return [w for w in normalize_query(text).split() if w not in STOPWORDS]


def fts5_match(text: str) -> str:
    """An FTS5 MATCH expression for a user query ("" when nothing is searchable)."""
    words = query_words(text)
    terms: list[str] = []
    for word in words:
        for variant in sorted(stem_variants(word)):
            term = f'"{variant}"*' if len(variant) >= 4 else f'"{variant}"'
            if term not in terms:
                terms.append(term)
    for first, second in zip(words, words[1:], strict=False):
        terms.append(f'"{first} {second}"')
    return " OR ".join(terms)


def pg_tsquery(text: str) -> str:
    """A raw PostgreSQL tsquery for ``to_tsquery('simple', ...)`` (same terms as FTS5)."""
    return " | ".join(pg_terms(text))


def pg_terms(text: str) -> list[str]:
    """The separate tsquery terms of :func:`pg_tsquery` (``word:*``, ``word``, phrases).

    The PostgreSQL search ranks each term on its own and weights it by its inverse document
    frequency, as FTS5's bm25 does (``ts_rank`` alone has no IDF, so "asi", present in almost
    every entry, would weigh as much as "stres").
    """
    words = query_words(text)
    terms: list[str] = []
    for word in words:
        for variant in sorted(stem_variants(word)):
            safe = re.sub(r"[^\w]", "", variant)
            term = f"{safe}:*" if len(safe) >= 4 else safe
            if safe and term not in terms:
                terms.append(term)
    for first, second in zip(words, words[1:], strict=False):
        terms.append(f"({first} <-> {second})")
    return terms


def document_columns(entry: dict[str, Any], *, lang: str) -> dict[str, str]:
    """The three search columns of one Q&A entry (raw bilingual entry from ``qa.yaml``).

    Indonesian documents index ``keywords_id``; English ones index ``keywords_en`` plus the
    Indonesian keywords (mothers mix languages, e.g. "asip", "sufor").
    """
    content.check_lang(lang)
    keywords = list(entry.get("keywords_id", []))
    if lang == "en":
        keywords = list(entry.get("keywords_en", [])) + keywords
    return {
        "search_keywords": index_terms(" ; ".join(keywords)),
        "search_question": index_terms(entry["question"][lang]),
        "search_answer": index_terms(entry["answer"][lang] + " " + entry["seek_help"][lang]),
    }


# --- in-memory FTS5 prototype -------------------------------------------------------------

FTS5_WEIGHTS = (10.0, 4.0, 1.0)  # keywords, question, answer


def build_fts5_index(
    entries: Iterable[dict[str, Any]] | None = None,
    *,
    conn: sqlite3.Connection | None = None,
) -> sqlite3.Connection:
    """Create and fill an FTS5 table ``qa_fts`` (both languages) and return the connection."""
    conn = conn or sqlite3.connect(":memory:")
    conn.execute(
        "CREATE VIRTUAL TABLE qa_fts USING fts5(entry_id UNINDEXED, lang UNINDEXED, "
        "search_keywords, search_question, search_answer, "
        "tokenize='unicode61 remove_diacritics 2')"
    )
    rows = []
    for entry in content.qa_entries() if entries is None else entries:
        for lang in content.LANGUAGES:
            cols = document_columns(entry, lang=lang)
            rows.append(
                (
                    entry["id"],
                    lang,
                    cols["search_keywords"],
                    cols["search_question"],
                    cols["search_answer"],
                )
            )
    conn.executemany("INSERT INTO qa_fts VALUES (?, ?, ?, ?, ?)", rows)
    return conn


def fts5_search(
    conn: sqlite3.Connection, query: str, *, lang: str = "id", limit: int = 5
) -> list[str]:
    """Entry ids best matching ``query`` in ``lang``, ranked by FTS5 bm25 (best first)."""
    match = fts5_match(query)
    if not match:
        return []
    weights = ", ".join(str(w) for w in FTS5_WEIGHTS)
    sql = (
        f"SELECT entry_id FROM qa_fts WHERE qa_fts MATCH ? AND lang = ? "
        f"ORDER BY bm25(qa_fts, 0.0, 0.0, {weights}) LIMIT ?"
    )
    return [row[0] for row in conn.execute(sql, (match, lang, limit))]

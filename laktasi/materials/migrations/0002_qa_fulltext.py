"""Full-text index of the Q&A entries, per database.

SQLite: an FTS5 table with two rows per entry (rowid 2*pk Indonesian, 2*pk+1 English), kept
in sync by ``laktasi.materials.services.qa_entry_save`` (no triggers, no signals).
PostgreSQL: one generated, weighted ``tsvector`` column per language with a GIN index; the
database keeps it in sync. The 'simple' configuration: there is no Indonesian stemmer in
PostgreSQL, and the stems are already in the ``search_*`` columns.
"""

from django.db import migrations

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE materials_qa_fts USING fts5("
    "lang UNINDEXED, search_keywords, search_question, search_answer, "
    "tokenize='unicode61 remove_diacritics 2')",
]
SQLITE_BACKWARD = ["DROP TABLE IF EXISTS materials_qa_fts"]

PG_FORWARD = []
PG_BACKWARD = []
for lang in ("id", "en"):
    PG_FORWARD += [
        f"ALTER TABLE materials_qaentry ADD COLUMN search_vector_{lang} tsvector "
        f"GENERATED ALWAYS AS ("
        f"setweight(to_tsvector('simple'::regconfig, search_keywords_{lang}), 'A') || "
        f"setweight(to_tsvector('simple'::regconfig, search_question_{lang}), 'B') || "
        f"setweight(to_tsvector('simple'::regconfig, search_answer_{lang}), 'D')) STORED",
        f"CREATE INDEX materials_qaentry_search_{lang} ON materials_qaentry "
        f"USING GIN (search_vector_{lang})",
    ]
    PG_BACKWARD += [
        f"DROP INDEX IF EXISTS materials_qaentry_search_{lang}",
        f"ALTER TABLE materials_qaentry DROP COLUMN IF EXISTS search_vector_{lang}",
    ]

STATEMENTS = {
    "sqlite": (SQLITE_FORWARD, SQLITE_BACKWARD),
    "postgresql": (PG_FORWARD, PG_BACKWARD),
}


def _run(schema_editor, index):
    statements = STATEMENTS.get(schema_editor.connection.vendor)
    if statements is None:
        return
    for sql in statements[index]:
        schema_editor.execute(sql)


def forward(apps, schema_editor):
    _run(schema_editor, 0)


def backward(apps, schema_editor):
    _run(schema_editor, 1)


class Migration(migrations.Migration):
    dependencies = [("materials", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]

"""``laktasi load_qa``: load the shipped Q&A knowledge base (idempotent).

Run after ``migrate`` (``make run`` and ``laktasi demo`` do): creates new entries, updates
shipped entries that were not edited in laktasi, keeps every entry edited or added here.
See docs/decisions/0003-qa-content-loading.md.
"""

from django.core.management.base import BaseCommand

from laktasi.materials.services import qa_index_rebuild, qa_load


class Command(BaseCommand):
    help = "Load the Q&A entries shipped in laktasi/materials/content/qa.yaml (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--rebuild-index",
            action="store_true",
            help="also recompute every entry's search words and full-text rows",
        )

    def handle(self, *args, rebuild_index, **options):
        result = qa_load()
        self.stdout.write(
            f"qa: {len(result.created)} created, {len(result.updated)} updated, "
            f"{result.unchanged} unchanged, {len(result.kept_edited)} edited here kept"
        )
        if rebuild_index:
            self.stdout.write(f"qa: index rebuilt for {qa_index_rebuild()} entries")

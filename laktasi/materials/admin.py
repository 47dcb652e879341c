"""Admin: midwives edit Q&A entries (saved through the service so the search index follows)."""

from django.contrib import admin

from laktasi.materials.forms import QAEntryAdminForm
from laktasi.materials.models import ProgramVideo, QAEntry
from laktasi.materials.services import qa_entry_delete, qa_entry_save


@admin.register(QAEntry)
class QAEntryAdmin(admin.ModelAdmin):
    form = QAEntryAdminForm
    list_display = ["slug", "question_id", "topic", "published", "shipped", "edited"]
    list_filter = ["published", "topic", "shipped", "edited"]
    search_fields = ["slug", "question_id", "question_en", "keywords_id"]
    readonly_fields = ["shipped", "edited", "created_at", "updated_at"]
    actions = None  # bulk delete would bypass the service and leave index rows behind

    def save_model(self, request, obj, form, change):
        qa_entry_save(entry=obj)

    def delete_model(self, request, obj):
        qa_entry_delete(entry=obj)


@admin.register(ProgramVideo)
class ProgramVideoAdmin(admin.ModelAdmin):
    list_display = ["title", "program", "session", "created_at"]
    list_select_related = ["program", "session"]
    raw_id_fields = ["program", "session", "uploaded_by"]

from django.contrib import admin

from laktasi.followups.models import FollowupPlan, Visit
from laktasi.followups.selectors import visit_list
from laktasi.mothers.admin_scoping import ScopedAdmin
from laktasi.programs.selectors import program_list


@admin.register(FollowupPlan)
class FollowupPlanAdmin(ScopedAdmin):
    """A program's own visit schedule (JSON list of contacts; see the field's help)."""

    list_display = ("program", "updated_at")

    def scoped_queryset(self, *, user):
        return FollowupPlan.objects.filter(program__in=program_list(user=user))


@admin.register(Visit)
class VisitAdmin(ScopedAdmin):
    list_display = ("baby", "key", "due_date", "done_on", "feeding_status")
    list_filter = ("key", "feeding_status", "mode")
    raw_id_fields = ("baby", "recall")
    readonly_fields = ("feeding_status", "age_days", "age_months", "recall")

    def scoped_queryset(self, *, user):
        return visit_list(user=user)

from django.contrib import admin

from laktasi.followups.models import FollowupPlan, Visit
from laktasi.followups.selectors import visit_list
from laktasi.mothers.admin_scoping import ScopedAdmin
from laktasi.programs.selectors import program_list


@admin.register(FollowupPlan)
class FollowupPlanAdmin(ScopedAdmin):
    """A program's own visit schedule (JSON list of contacts; see the field's help) and its
    weight-alert thresholds (FACTS §11.4 [U] defaults: 7 %, 10 %, day 14)."""

    list_display = (
        "program",
        "weight_assess_loss_pct",
        "weight_refer_loss_pct",
        "regain_birth_weight_by_day",
        "updated_at",
    )

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

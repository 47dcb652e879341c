from django.contrib import admin

from laktasi.mothers.admin_scoping import ScopedAdmin, ScopedInline
from laktasi.programs.models import (
    AgendaItem,
    Attendance,
    Consultation,
    Enrollment,
    Program,
    Session,
)
from laktasi.programs.selectors import (
    attendance_list,
    consultation_list,
    enrollment_list,
    program_list,
    session_list,
)


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    extra = 0


class AttendanceInline(ScopedInline):
    model = Attendance

    def get_queryset(self, request):
        return attendance_list(user=request.user)


@admin.register(Program)
class ProgramAdmin(ScopedAdmin):
    list_display = ("title", "kind", "facility", "start_date", "end_date")
    list_filter = ("kind",)
    search_fields = ("title", "organiser")
    filter_horizontal = ("team", "villages")

    def scoped_queryset(self, *, user):
        return program_list(user=user)


@admin.register(Session)
class SessionAdmin(ScopedAdmin):
    list_display = ("__str__", "program", "starts_at", "venue", "facilitator")
    inlines = [AgendaItemInline, AttendanceInline]

    def scoped_queryset(self, *, user):
        return session_list(user=user)


@admin.register(Enrollment)
class EnrollmentAdmin(ScopedAdmin):
    list_display = ("mother", "program", "enrolled_at")

    def scoped_queryset(self, *, user):
        return enrollment_list(user=user)


@admin.register(Attendance)
class AttendanceAdmin(ScopedAdmin):
    list_display = ("mother", "session", "companion_present")

    def scoped_queryset(self, *, user):
        return attendance_list(user=user)


@admin.register(Consultation)
class ConsultationAdmin(ScopedAdmin):
    list_display = ("mother", "recorded_at", "referral_needed", "followup_date")
    list_filter = ("referral_needed",)
    readonly_fields = ("submission_uuid",)

    def scoped_queryset(self, *, user):
        return consultation_list(user=user)

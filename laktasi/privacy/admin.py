from django.contrib import admin

from laktasi.privacy.models import AccessLogEntry


@admin.register(AccessLogEntry)
class AccessLogEntryAdmin(admin.ModelAdmin):
    """Read-only, for administrators only."""

    list_display = ("at", "username", "action", "mother_identifier", "channel")
    list_filter = ("action", "channel")
    search_fields = ("username", "mother_identifier")
    date_hierarchy = "at"

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_administrator

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

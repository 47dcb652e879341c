from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from laktasi.accounts.models import SecurityEvent, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "first_name", "last_name", "role", "is_active", "is_demo")
    list_filter = ("role", "is_active", "is_demo")
    fieldsets = (*BaseUserAdmin.fieldsets, (_("laktasi"), {"fields": ("role", "is_demo")}))
    add_fieldsets = (*BaseUserAdmin.add_fieldsets, (_("laktasi"), {"fields": ("role",)}))


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin):
    """The security audit log: read-only."""

    list_display = ("at", "actor_username", "action", "username", "detail")
    list_filter = ("action",)
    search_fields = ("username", "actor_username")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

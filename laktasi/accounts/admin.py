from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from laktasi.accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "first_name", "last_name", "role", "is_active", "is_demo")
    list_filter = ("role", "is_active", "is_demo")
    fieldsets = (*BaseUserAdmin.fieldsets, (_("laktasi"), {"fields": ("role", "is_demo")}))
    add_fieldsets = (*BaseUserAdmin.add_fieldsets, (_("laktasi"), {"fields": ("role",)}))

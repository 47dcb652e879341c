from django.contrib import admin

from laktasi.mothers.admin_scoping import ScopedAdmin
from laktasi.mothers.models import Baby, Companion, Consent, Mother
from laktasi.mothers.selectors import baby_list, companion_list, consent_list, mother_list
from laktasi.mothers.services import mother_update


class BabyInline(admin.TabularInline):
    model = Baby
    extra = 0


class CompanionInline(admin.TabularInline):
    model = Companion
    extra = 0


class ConsentInline(admin.TabularInline):
    model = Consent
    extra = 0
    can_delete = False
    fields = ("action", "text_version", "language", "channel", "recorded_at", "recorded_by")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Mother)
class MotherAdmin(ScopedAdmin):
    list_display = ("identifier", "full_name", "nik_masked", "village", "facility", "parity")
    list_filter = ("facility", "education", "delivery_mode")
    search_fields = ("full_name", "identifier")
    autocomplete_fields = ("village",)
    readonly_fields = ("identifier",)
    inlines = [BabyInline, CompanionInline, ConsentInline]

    def scoped_queryset(self, *, user):
        return mother_list(user=user)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.registered_by = request.user
        mother_update(mother=obj, by=request.user, channel="admin")


@admin.register(Baby)
class BabyAdmin(ScopedAdmin):
    list_display = ("__str__", "mother", "birth_date", "sex", "birth_weight_g")
    search_fields = ("name", "mother__full_name")

    def scoped_queryset(self, *, user):
        return baby_list(user=user)


@admin.register(Companion)
class CompanionAdmin(ScopedAdmin):
    list_display = ("name", "relationship", "mother")
    search_fields = ("name", "mother__full_name")

    def scoped_queryset(self, *, user):
        return companion_list(user=user)


@admin.register(Consent)
class ConsentAdmin(ScopedAdmin):
    list_display = ("mother", "action", "text_version", "channel", "recorded_at", "recorded_by")
    list_filter = ("action", "channel")

    def scoped_queryset(self, *, user):
        return consent_list(user=user)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

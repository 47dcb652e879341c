from django.contrib import admin

from laktasi.places.models import Facility, Region
from laktasi.places.selectors import facility_list


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "parent")
    list_filter = ("level",)
    search_fields = ("code", "name")
    raw_id_fields = ("parent",)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Facility)
class FacilityAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "village", "puskesmas")
    list_filter = ("kind",)
    search_fields = ("name", "village__name")
    autocomplete_fields = ("village",)
    filter_horizontal = ("staff",)

    def get_queryset(self, request):
        return facility_list(user=request.user)

"""Admin classes that read through the scoping selectors.

An out-of-scope record is a 404 in the admin too (Django's default is a redirect with a
message that confirms nothing, but a 404 is what every other view gives), and foreign-key
choices only offer mothers and facilities in the user's scope.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import Http404

from laktasi.mothers.models import Companion, Mother
from laktasi.mothers.selectors import companion_list, mother_list
from laktasi.places.models import Facility
from laktasi.places.selectors import facility_list


class ScopedAdmin(admin.ModelAdmin):
    """ModelAdmin whose queryset comes from a selector ``scoped_queryset(user=...)``."""

    def scoped_queryset(self, *, user):
        raise NotImplementedError

    def get_queryset(self, request):
        return self.scoped_queryset(user=request.user)

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        raise Http404

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        choices = {
            Mother: lambda: mother_list(user=request.user),
            Companion: lambda: companion_list(user=request.user),
            Facility: lambda: facility_list(user=request.user),
        }
        if db_field.related_model in choices:
            kwargs["queryset"] = choices[db_field.related_model]()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ScopedInline(admin.TabularInline):
    extra = 0

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Companion:
            kwargs["queryset"] = companion_list(user=request.user)
        if db_field.related_model is Mother:
            kwargs["queryset"] = mother_list(user=request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

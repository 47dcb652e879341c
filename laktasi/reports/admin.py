from django.contrib import admin

from laktasi.reports.models import PublishedPercentages


@admin.register(PublishedPercentages)
class PublishedPercentagesAdmin(admin.ModelAdmin):
    list_display = ["program", "instrument_id", "timepoint", "decimals", "citation"]
    list_filter = ["instrument_id", "timepoint"]

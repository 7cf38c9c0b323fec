"""Admin: the regulatory data this app owns (sampling rules, checklist items, finding types) is
edited here by the station admin; inspection records change only through the services."""

from django.contrib import admin

from .models import ChecklistItem, FindingType, PrimarySampleRule, SamplingRule


@admin.register(SamplingRule)
class SamplingRuleAdmin(admin.ModelAdmin):
    list_display = ["crop", "max_lot_kg", "submitted_sample_g", "purity_working_sample_g", "moisture_sample_g",
                    "status", "source"]
    list_filter = ["status"]


@admin.register(PrimarySampleRule)
class PrimarySampleRuleAdmin(admin.ModelAdmin):
    list_display = ["containers_from", "containers_to", "primary_samples", "per_container", "rule", "status"]


@admin.register(FindingType)
class FindingTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "label", "suggested_articles", "status", "source"]
    list_filter = ["status"]


@admin.register(ChecklistItem)
class ChecklistItemAdmin(admin.ModelAdmin):
    list_display = ["position", "code", "text", "legal_basis", "finding_type", "active", "status"]
    list_editable = ["active"]
    list_filter = ["status", "active"]

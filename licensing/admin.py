"""Admin: a read-only window on the licensing records for the system administrator. Every
change goes through the station pages, which call the services (rules, audit, jurisdiction)."""

from django.contrib import admin

from .models import Business, Crop, DocumentCheck, Filing, ImportJob, OutsideParty, SeedLicence, Variety


class ReadOnlyScopedAdmin(admin.ModelAdmin):
    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        visible_to = getattr(queryset, "visible_to", None)
        return visible_to(request.user) if visible_to else queryset

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Business)
class BusinessAdmin(ReadOnlyScopedAdmin):
    list_display = ["name", "kind", "credit_code", "region_code", "status"]
    list_filter = ["kind", "status"]
    search_fields = ["name", "credit_code"]
    exclude = ["id_number"]  # personal data stays on the station's pages, where access is checked


@admin.register(SeedLicence)
class SeedLicenceAdmin(ReadOnlyScopedAdmin):
    list_display = ["number", "business", "licence_class", "issuing_authority"]
    list_filter = ["licence_class"]
    search_fields = ["number", "business__name"]


@admin.register(Filing)
class FilingAdmin(ReadOnlyScopedAdmin):
    list_display = ["business", "filing_type", "filed_on", "deadline_on", "is_late", "status"]
    list_filter = ["filing_type", "is_late", "status"]


@admin.register(Variety)
class VarietyAdmin(ReadOnlyScopedAdmin):
    list_display = ["name", "crop", "seed_type", "approval_number", "registration_number", "withdrawn_on"]
    list_filter = ["crop", "seed_type"]
    search_fields = ["name", "approval_number", "registration_number"]


@admin.register(OutsideParty)
class OutsidePartyAdmin(ReadOnlyScopedAdmin):
    list_display = ["name", "kind", "credit_code", "licence_number", "home_region_text"]
    search_fields = ["name", "credit_code", "licence_number"]


@admin.register(DocumentCheck)
class DocumentCheckAdmin(ReadOnlyScopedAdmin):
    list_display = ["business", "checked_at", "checked_by", "displayed", "current", "matches_record"]


@admin.register(ImportJob)
class ImportJobAdmin(ReadOnlyScopedAdmin):
    list_display = ["original_name", "kind", "status", "total_rows", "error_count", "created_by", "created_at"]


@admin.register(Crop)
class CropAdmin(admin.ModelAdmin):
    """Reference data a station admin may correct (abbreviations, ordering)."""

    list_display = ["name", "code", "is_main_crop", "needs_registration", "abbreviation", "sort_order"]
    list_editable = ["abbreviation", "sort_order"]

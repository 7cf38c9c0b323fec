from django.contrib import admin

from .models import IssuedDocument, SerialBlock, SerialCounter, ServiceRecord


class ReadOnlyAdmin(admin.ModelAdmin):
    """Issued documents change only through their services: the admin is for reading."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(IssuedDocument)
class IssuedDocumentAdmin(ReadOnlyAdmin):
    list_display = ["serial", "title", "doc_type", "status", "issued_at", "region_code"]
    list_filter = ["doc_type", "status", "year"]
    search_fields = ["serial", "title"]


@admin.register(ServiceRecord)
class ServiceRecordAdmin(ReadOnlyAdmin):
    list_display = ["document", "method", "served_at", "recipient_name"]


@admin.register(SerialBlock)
class SerialBlockAdmin(ReadOnlyAdmin):
    list_display = ["doc_type", "year", "first_number", "last_number", "holder", "county_code"]


@admin.register(SerialCounter)
class SerialCounterAdmin(ReadOnlyAdmin):
    list_display = ["county_code", "doc_type", "year", "next_number"]

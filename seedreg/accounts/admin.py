from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "full_name", "role", "region", "enforcement_id", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["username", "full_name", "phone", "enforcement_id"]
    raw_id_fields = ["region"]
    fieldsets = BaseUserAdmin.fieldsets + (
        (_("岗位"), {"fields": ("full_name", "phone", "region", "role", "enforcement_id", "unit")}),
    )

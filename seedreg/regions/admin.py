from django.contrib import admin

from .models import Region, Station


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent"]


@admin.register(Station)
class StationAdmin(admin.ModelAdmin):
    list_display = ["name", "region", "short_name", "north_of_great_wall"]
    raw_id_fields = ["region"]

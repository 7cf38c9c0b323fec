from django.contrib import admin

from .models import Notification, OutgoingMessage, SmsLog


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "user", "title", "category", "read_at"]
    list_filter = ["category"]
    search_fields = ["title", "key"]


@admin.register(OutgoingMessage)
class OutgoingMessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "channel", "recipient", "status", "attempts", "sent_at"]
    list_filter = ["channel", "status"]


@admin.register(SmsLog)
class SmsLogAdmin(admin.ModelAdmin):
    list_display = ["sent_at", "phone", "body"]

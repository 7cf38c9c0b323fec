from django.urls import path

from . import views_public

app_name = "inspections"

urlpatterns = [
    path("public/", views_public.public_index, name="public_index"),
    path("public/draws/<int:pk>/", views_public.public_draw_view, name="public_draw"),
]

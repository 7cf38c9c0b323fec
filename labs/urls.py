from django.urls import path

from . import views

app_name = "labs"

urlpatterns = [
    path("standards/", views.standards, name="standards"),
    path("standards/<int:pk>/revise/", views.standard_revise, name="standard_revise"),
    path("tolerances/<int:pk>/revise/", views.tolerance_revise, name="tolerance_revise"),
]

from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("d/<str:token>", views.verify, name="verify"),
    path("documents/<int:pk>/pdf", views.pdf, name="pdf"),
]

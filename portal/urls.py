from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("dealer/", views.dealer_home, name="dealer_home"),
    path("verify/", views.verify_search, name="verify_search"),
    path("v/<str:token>", views.licence_public, name="licence_public"),
    path("licences/<int:pk>/certificate/", views.licence_certificate, name="licence_certificate"),
    path("accounts/forgot/", views.password_forgot, name="password_forgot"),
]

from django.urls import path

from . import ledger_views, results_views, views

app_name = "portal"

urlpatterns = [
    path("dealer/", views.dealer_home, name="dealer_home"),
    path("verify/", views.verify_search, name="verify_search"),
    path("v/<str:token>", views.licence_public, name="licence_public"),
    path("licences/<int:pk>/certificate/", views.licence_certificate, name="licence_certificate"),
    path("accounts/forgot/", views.password_forgot, name="password_forgot"),
    path("results/<int:pk>/", results_views.campaign_results_public, name="campaign_results_public"),
    path("results/<int:pk>/results.xlsx", results_views.campaign_results_public_xlsx,
         name="campaign_results_public_xlsx"),
    path("lot/<str:token>", ledger_views.lot_public, name="lot_public"),
    path("dealer/ledger/", ledger_views.dealer_ledger, name="dealer_ledger"),
    path("dealer/ledger/purchase/", ledger_views.dealer_purchase, name="dealer_purchase"),
    path("dealer/ledger/sale/", ledger_views.dealer_sale, name="dealer_sale"),
    path("dealer/ledger/export.xlsx", ledger_views.dealer_ledger_export, name="dealer_ledger_export"),
    path("dealer/ledger/entries/<int:pk>/", ledger_views.dealer_sale_done, name="dealer_sale_done"),
    path("dealer/ledger/entries/<int:pk>/receipt.pdf", ledger_views.dealer_receipt, name="dealer_receipt"),
    path("dealer/ledger/entries/<int:pk>/reverse/", ledger_views.dealer_reverse, name="dealer_reverse"),
    path("dealer/ledger/transfers/<int:pk>/<str:decision>/", ledger_views.dealer_transfer_decide,
         name="dealer_transfer_decide"),
    path("dealer/ledger/import/", ledger_views.dealer_import, name="dealer_import"),
    path("dealer/ledger/import/template.xlsx", ledger_views.dealer_import_template, name="dealer_import_template"),
    path("dealer/ledger/import/<int:pk>/", ledger_views.dealer_import_detail, name="dealer_import_detail"),
    path("dealer/ledger/import/<int:pk>/errors.xlsx", ledger_views.dealer_import_errors, name="dealer_import_errors"),
    path("dealer/stop-sales/<int:pk>/acknowledge/", ledger_views.dealer_stop_sale_acknowledge,
         name="dealer_stop_sale_acknowledge"),
]

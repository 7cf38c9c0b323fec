from django.urls import path

from . import ledger_views, views

app_name = "licensing"

urlpatterns = [
    path("", views.business_list, name="business_list"),
    path("businesses/new/", views.business_create, name="business_create"),
    path("businesses/<int:pk>/", views.business_detail, name="business_detail"),
    path("businesses/<int:pk>/edit/", views.business_edit, name="business_edit"),
    path("businesses/<int:pk>/business-licence/", views.business_licence_create, name="business_licence_create"),
    path("businesses/<int:pk>/checks/new/", views.document_check_create, name="document_check_create"),
    path("businesses/<int:pk>/licences/new/", views.licence_create, name="licence_create"),
    path("businesses/<int:pk>/filings/new/", views.filing_create, name="filing_create"),
    path("businesses/<int:pk>/accounts/new/", views.dealer_account_create, name="dealer_account_create"),
    path("businesses/<int:pk>/accounts/<int:user_id>/reset/", views.dealer_password_reset,
         name="dealer_password_reset"),
    path("licences/<int:pk>/", views.licence_detail, name="licence_detail"),
    path("licences/<int:pk>/renew/", views.licence_renew, name="licence_renew"),
    path("licences/<int:pk>/status/", views.licence_status, name="licence_status"),
    path("licences/<int:pk>/rotate-token/", views.licence_rotate_token, name="licence_rotate_token"),
    path("filings/<int:pk>/receipt/", views.filing_receipt, name="filing_receipt"),
    path("varieties/", views.variety_list, name="variety_list"),
    path("varieties/new/", views.variety_create, name="variety_create"),
    path("varieties/<int:pk>/withdraw/", views.variety_withdraw, name="variety_withdraw"),
    path("outside-parties/", views.outside_party_list, name="outside_party_list"),
    path("outside-parties/new/", views.outside_party_create, name="outside_party_create"),
    path("imports/", views.import_create, name="import_create"),
    path("imports/template.xlsx", views.import_template, name="import_template"),
    path("imports/<int:pk>/", views.import_detail, name="import_detail"),
    path("imports/<int:pk>/errors.xlsx", views.import_errors, name="import_errors"),
    # Ledgers, lots, traceability and stop-sale orders.
    path("businesses/<int:pk>/ledger/", ledger_views.business_ledger, name="business_ledger"),
    path("businesses/<int:pk>/ledger/import/", ledger_views.business_ledger_import, name="business_ledger_import"),
    path("ledger-import/template.xlsx", ledger_views.ledger_import_template, name="ledger_import_template"),
    path("businesses/<int:pk>/lots/<int:lot_pk>/trace/", ledger_views.lot_trace_backward, name="lot_trace_backward"),
    path("lots/<int:pk>/", ledger_views.lot_detail, name="lot_detail"),
    path("lots/<int:pk>/trace.xlsx", ledger_views.lot_trace_export, name="lot_trace_export"),
    path("lots/<int:pk>/stop-sale/new/", ledger_views.stop_sale_create, name="stop_sale_create"),
    path("stop-sales/", ledger_views.stop_sale_list, name="stop_sale_list"),
    path("stop-sales/<int:pk>/", ledger_views.stop_sale_detail, name="stop_sale_detail"),
    path("stop-sales/<int:pk>/review/", ledger_views.stop_sale_review, name="stop_sale_review"),
    path("stop-sales/<int:pk>/issue/", ledger_views.stop_sale_issue, name="stop_sale_issue"),
    path("stop-sales/<int:pk>/lift/", ledger_views.stop_sale_lift, name="stop_sale_lift"),
    path("stop-sale-holders/<int:pk>/notice/", ledger_views.stop_sale_notice, name="stop_sale_notice"),
    path("stop-sale-holders/<int:pk>/served/", ledger_views.stop_sale_served, name="stop_sale_served"),
    path("stop-sale-holders/<int:pk>/receipt/", ledger_views.stop_sale_receipt, name="stop_sale_receipt"),
]

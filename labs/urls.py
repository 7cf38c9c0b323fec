from django.urls import path

from . import views

app_name = "labs"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("intake/", views.intake, name="intake"),
    path("samples/<int:pk>/", views.sample_detail, name="sample_detail"),
    path("samples/<int:pk>/judge/", views.judge, name="judge"),
    path("tests/<int:pk>/", views.worksheet, name="worksheet"),
    path("tests/<int:pk>/review/", views.test_review, name="test_review"),
    path("tests/<int:pk>/retract/", views.test_retract, name="test_retract"),
    path("tests/<int:pk>/repeat/", views.test_repeat, name="test_repeat"),
    path("reports/<int:pk>/withdraw/", views.report_withdraw, name="report_withdraw"),
    path("samples/<int:pk>/retest/", views.retest_request, name="retest_request"),
    path("retests/<int:pk>/dispatch/", views.retest_dispatch, name="retest_dispatch"),
    path("retests/<int:pk>/receive/", views.retest_receive, name="retest_receive"),
    path("retests/<int:pk>/conclude/", views.retest_conclude, name="retest_conclude"),
    path("my/reports/", views.my_reports, name="my_reports"),
    path("my/reports/<int:pk>/", views.my_report, name="my_report"),
    path("standards/", views.standards, name="standards"),
    path("standards/<int:pk>/revise/", views.standard_revise, name="standard_revise"),
    path("tolerances/<int:pk>/revise/", views.tolerance_revise, name="tolerance_revise"),
    path("campaigns/<int:pk>/results/", views.campaign_results, name="campaign_results"),
    path("reports/<int:pk>/referral/", views.referral_draft, name="referral_draft"),
    path("referrals/<int:pk>/", views.referral_detail, name="referral_detail"),
]

from django.urls import path

from . import views, views_public

app_name = "inspections"

urlpatterns = [
    path("", views.campaign_list, name="campaign_list"),
    path("plans/new/", views.plan_create, name="plan_create"),
    path("plans/<int:plan_pk>/campaigns/new/", views.campaign_create, name="campaign_create"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:pk>/draw/", views.draw_run, name="draw_run"),
    path("draws/<int:pk>/verify/", views.draw_verify, name="draw_verify"),
    path("draws/<int:pk>/publish/", views.draw_publish, name="draw_publish"),
    path("inspectors/", views.inspector_list, name="inspector_list"),
    path("inspectors/<int:user_pk>/edit/", views.inspector_edit, name="inspector_edit"),
    path("inspectors/profiles/<int:profile_pk>/conflicts/new/", views.conflict_create, name="conflict_create"),
    path("complaints/", views.complaint_list, name="complaint_list"),
    path("complaints/new/", views.complaint_create, name="complaint_create"),
    path("complaints/<int:pk>/", views.complaint_detail, name="complaint_detail"),
    path("tasks/", views.task_list, name="task_list"),
    path("tasks/<int:pk>/reassign/", views.task_reassign, name="task_reassign"),
    path("my-day/", views.my_tasks, name="my_tasks"),
    path("rectifications/", views.rectification_list, name="rectification_list"),
    path("businesses/<int:business_pk>/timeline/", views.business_timeline, name="business_timeline"),
    path("visits/<int:pk>/", views.visit_detail, name="visit_detail"),
    path("visits/new/", views.visit_start, name="visit_start"),
    path("tasks/<int:task_pk>/visit/", views.visit_start, name="task_visit_start"),
    path("visits/peddler/", views.peddler_visit, name="peddler_visit"),
    path("visits/<int:pk>/checklist/", views.visit_checklist, name="visit_checklist"),
    path("visits/<int:pk>/findings/new/", views.finding_create, name="finding_create"),
    path("visits/<int:pk>/sampling/new/", views.sampling_create, name="sampling_create"),
    path("visits/<int:pk>/join/", views.visit_join, name="visit_join"),
    path("visits/<int:pk>/stock-count/", views.stock_count, name="stock_count"),
    path("visits/<int:pk>/close/", views.visit_close, name="visit_close"),
    path("rectifications/<int:pk>/conclude/", views.rectification_conclude, name="rectification_conclude"),
    path("public/", views_public.public_index, name="public_index"),
    path("public/draws/<int:pk>/", views_public.public_draw_view, name="public_draw"),
]

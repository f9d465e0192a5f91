from django.urls import path

from . import views

urlpatterns = [
    path("budgets/", views.ranking_page, name="budget-ranking"),
    path("budgets/indicators/", views.indicators_page, name="budget-indicators"),
    path("budgets/refocusing/", views.refocusing_page, name="budget-refocusing"),
    path("budgets/outputs/", views.outputs_page, name="budget-outputs"),
    path("budgets/allocations/new/", views.allocation_create, name="budget-allocation-create"),
    path("budgets/allocations/<int:pk>/", views.province_page, name="budget-province"),
    path("budgets/allocations/<int:pk>/revisions/new/", views.revision_create, name="budget-revision-create"),
    path("budgets/allocations/<int:pk>/plan/", views.plan_edit, name="budget-plan"),
    path("budgets/allocations/<int:pk>/activities/new/", views.activity_create, name="budget-activity-create"),
    path("budgets/allocations/<int:pk>/realisations/", views.realisation_create, name="budget-realisation-create"),
    path("budgets/allocations/<int:pk>/realisations/upload/", views.realisation_upload, name="budget-realisation-upload"),
    path("budgets/allocations/<int:pk>/realisations/template.xlsx", views.realisation_template, name="budget-realisation-template"),
    path("budgets/activities/<int:pk>/", views.activity_page, name="budget-activity"),
    path("budgets/activities/<int:pk>/edit/", views.activity_edit, name="budget-activity-edit"),
    path("budgets/activities/<int:pk>/outputs/", views.output_report_create, name="budget-output-create"),
    path("budgets/imports/<int:pk>/", views.import_detail, name="budget-import-detail"),
    path("budgets/imports/<int:pk>/retry/", views.import_retry, name="budget-import-retry"),
    path("budgets/imports/<int:pk>/report.xlsx", views.import_report, name="budget-import-report"),
]

from django.urls import path

from . import views, views_follow_up, views_impact, views_owner

urlpatterns = [
    path("impact/", views_impact.national_dashboard, name="impact-national"),
    path("impact/provinces/<str:code>/", views_impact.province_dashboard, name="impact-province"),
    path("impact/tables/<str:name>.<str:fmt>", views_impact.table_download, name="impact-table"),
    path("surveys/", views.wave_list, name="survey-wave-list"),
    path("surveys/new/", views.wave_create, name="survey-wave-create"),
    path("surveys/imports/<int:pk>/", views.import_detail, name="survey-import-detail"),
    path("surveys/imports/<int:pk>/retry/", views.import_retry, name="survey-import-retry"),
    path("surveys/imports/<int:pk>/report.xlsx", views.import_report, name="survey-import-report"),
    path("surveys/responses/<int:pk>/", views_follow_up.response_detail, name="survey-response-detail"),
    path("surveys/responses/<int:pk>/comments/", views_follow_up.response_comment, name="survey-response-comment"),
    path("surveys/responses/<int:pk>/return/", views_follow_up.response_return, name="survey-response-return"),
    path("surveys/responses/<int:pk>/confirm-warnings/", views.confirm_warnings, name="survey-confirm-warnings"),
    path("surveys/<str:code>/edit/", views.wave_edit, name="survey-wave-edit"),
    path("surveys/<str:code>/entry/", views.response_entry, name="survey-entry"),
    path("surveys/<str:code>/entry/businesses/", views.business_search, name="survey-business-search"),
    path("surveys/<str:code>/responses/", views.ResponseListView.as_view(), name="survey-response-list"),
    path("surveys/<str:code>/responses/export.csv", views.response_export_csv, name="survey-response-export-csv"),
    path("surveys/<str:code>/responses/export.xlsx", views.response_export_xlsx, name="survey-response-export-xlsx"),
    path("surveys/<str:code>/template.xlsx", views.template_download, name="survey-template"),
    path("surveys/<str:code>/upload/", views.upload, name="survey-upload"),
    path("surveys/<str:code>/review/", views.review_page, name="survey-review"),
    path("surveys/<str:code>/completeness/", views.completeness_page, name="survey-completeness"),
    path("surveys/<str:code>/follow-up/", views_follow_up.follow_up_list, name="survey-follow-up"),
    path("surveys/<str:code>/my-answers/", views_owner.owner_report, name="survey-owner-report"),
]

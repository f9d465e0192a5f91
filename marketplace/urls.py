from django.urls import path

from . import views, views_dashboard

urlpatterns = [
    path("marketplace/", views.OnboardingListView.as_view(), name="marketplace-onboarding-list"),
    path("marketplace/dashboard/", views_dashboard.dashboard, name="marketplace-dashboard"),
    path("marketplace/targets/new/", views_dashboard.target_create, name="marketplace-target-create"),
    path("marketplace/shops/new/", views.onboarding_create, name="marketplace-onboarding-create"),
    path("marketplace/shops/<int:pk>/edit/", views.onboarding_edit, name="marketplace-onboarding-edit"),
    path("marketplace/shops/<int:pk>/confirm/", views.onboarding_confirm, name="marketplace-onboarding-confirm"),
    path("marketplace/marketplaces/", views.marketplace_list, name="marketplace-list"),
    path("marketplace/marketplaces/new/", views.marketplace_create, name="marketplace-create"),
    path("marketplace/marketplaces/<int:pk>/edit/", views.marketplace_edit, name="marketplace-edit"),
    path("marketplace/reports/", views.report_upload, name="marketplace-report-upload"),
    path("marketplace/reports/template.xlsx", views.report_template, name="marketplace-report-template"),
    path("marketplace/reports/<int:pk>/", views.report_detail, name="marketplace-report-detail"),
    path("marketplace/reports/<int:pk>/retry/", views.report_retry, name="marketplace-report-retry"),
    path("marketplace/reports/<int:pk>/errors.xlsx", views.report_errors, name="marketplace-report-errors"),
    path("marketplace/queue/", views.ReviewListView.as_view(), name="marketplace-review-list"),
    path("marketplace/queue/<int:pk>/", views.review_detail, name="marketplace-review-detail"),
    path("marketplace/queue/<int:pk>/decide/", views.review_decide, name="marketplace-review-decide"),
    path("marketplace/queue/<int:pk>/new-business/", views.review_create_business, name="marketplace-review-create-business"),
]

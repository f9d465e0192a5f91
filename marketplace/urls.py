from django.urls import path

from . import views, views_buyers, views_dashboard, views_meetings, views_sales

views_buyers_urls = [
    path("marketplace/buyers/", views_buyers.buyer_list, name="marketplace-buyer-list"),
    path("marketplace/buyers/new/", views_buyers.buyer_create, name="marketplace-buyer-create"),
    path("marketplace/buyers/<int:pk>/edit/", views_buyers.buyer_edit, name="marketplace-buyer-edit"),
    path("marketplace/buyers/<int:pk>/shortlist/", views_buyers.buyer_shortlist, name="marketplace-buyer-shortlist"),
    path("marketplace/buyers/<int:pk>/nominate/", views_buyers.buyer_nominate, name="marketplace-buyer-nominate"),
    path("marketplace/buyers/<int:pk>/schedule/", views_buyers.buyer_schedule, name="marketplace-buyer-schedule"),
    path("marketplace/commitments/", views_buyers.commitments_monitor, name="marketplace-commitments"),
    path("marketplace/commitments/new/", views_buyers.commitment_create, name="marketplace-commitment-create"),
    path("marketplace/commitments/<int:pk>/edit/", views_buyers.commitment_edit, name="marketplace-commitment-edit"),
    path("marketplace/meetings/", views_meetings.MeetingListView.as_view(), name="marketplace-meeting-list"),
    path("marketplace/meetings/<int:pk>/", views_meetings.meeting_detail, name="marketplace-meeting-detail"),
    path("marketplace/meetings/<int:pk>/outcome/", views_meetings.meeting_outcome, name="marketplace-meeting-outcome"),
    path("marketplace/nominations/<int:pk>/decline/", views_meetings.nomination_decline, name="marketplace-nomination-decline"),
]

urlpatterns = [
    path("marketplace/", views.OnboardingListView.as_view(), name="marketplace-onboarding-list"),
    path("marketplace/dashboard/", views_dashboard.dashboard, name="marketplace-dashboard"),
    path("marketplace/targets/new/", views_dashboard.target_create, name="marketplace-target-create"),
    path("marketplace/shops/new/", views.onboarding_create, name="marketplace-onboarding-create"),
    path("marketplace/shops/<int:pk>/edit/", views.onboarding_edit, name="marketplace-onboarding-edit"),
    path("marketplace/shops/<int:pk>/confirm/", views.onboarding_confirm, name="marketplace-onboarding-confirm"),
    path("marketplace/shops/<int:pk>/sales/", views_sales.sales_list, name="marketplace-onboarding-sales"),
    path("marketplace/shops/<int:pk>/sales/save/", views_sales.sales_save, name="marketplace-onboarding-sales-save"),
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
    *views_buyers_urls,
]

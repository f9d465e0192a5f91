from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from .policy import EVERYONE, SIGNED_IN
from .views import account_admin, accounts, businesses, claims, events, exports
from .views.mixins import open_to

# Signing in, up and out, and passwords: about no model, so the routes say who may open them.
public = open_to(EVERYONE)
signed_in = open_to(SIGNED_IN)

urlpatterns = [
    path("accounts/login/", public(accounts.PortalLoginView.as_view()), name="login"),
    path("accounts/logout/", public(auth_views.LogoutView.as_view()), name="logout"),
    path("accounts/signup/", public(accounts.signup), name="signup"),
    path("accounts/verify/resend/", public(accounts.signup_resend), name="signup-resend"),
    path("accounts/verify/<str:token>/", public(accounts.signup_verify_view), name="signup-verify"),
    path("accounts/password/change/", signed_in(auth_views.PasswordChangeView.as_view()), name="password_change"),
    path("accounts/password/change/done/", signed_in(auth_views.PasswordChangeDoneView.as_view()), name="password_change_done"),
    path(
        "accounts/password/reset/",
        public(auth_views.PasswordResetView.as_view(
            html_email_template_name=None, subject_template_name="registration/password_reset_subject.txt"
        )),
        name="password_reset",
    ),
    path("accounts/password/reset/sent/", public(auth_views.PasswordResetDoneView.as_view()), name="password_reset_done"),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        public(auth_views.PasswordResetConfirmView.as_view(success_url=reverse_lazy("password_reset_complete"))),
        name="password_reset_confirm",
    ),
    path("accounts/password/reset/done/", public(auth_views.PasswordResetCompleteView.as_view()), name="password_reset_complete"),
    path("accounts/manage/", account_admin.account_list, name="account-list"),
    path("accounts/manage/accounts.xlsx", account_admin.account_list_xlsx, name="account-list-xlsx"),
    path("accounts/manage/invite/", account_admin.account_invite, name="account-invite"),
    path("accounts/manage/<int:pk>/", account_admin.account_detail, name="account-detail"),
    path("accounts/manage/<int:pk>/change/", account_admin.account_change, name="account-change"),
    path("accounts/manage/<int:pk>/password-reset/", account_admin.account_password_reset, name="account-password-reset"),
    path("accounts/manage/<int:pk>/unlock/", account_admin.account_unlock, name="account-unlock"),
    path("events/", events.event_list, name="event-list"),
    path("events/mine/", events.my_registrations, name="event-my-registrations"),
    path("events/manage/", events.event_manage, name="event-manage"),
    path("events/overview/", events.event_overview, name="event-overview"),
    path("events/new/", events.event_create, name="event-create"),
    path("events/<int:pk>/", events.event_detail, name="event-detail"),
    path("events/<int:pk>/edit/", events.event_edit, name="event-edit"),
    path("events/<int:pk>/calendar.ics", events.event_calendar, name="event-calendar"),
    path("events/<int:pk>/register/", events.event_register, name="event-register"),
    path("events/<int:pk>/cancel/", events.event_cancel, name="event-cancel"),
    path("events/<int:pk>/participants/", events.event_participants, name="event-participants"),
    path("events/<int:pk>/participants.xlsx", events.event_participants_xlsx, name="event-participants-xlsx"),
    path("registrations/<int:pk>/cancel/", events.registration_cancel, name="registration-cancel"),
    path("registrations/<int:pk>/certificate.pdf", events.certificate, name="registration-certificate"),
    path("businesses/", businesses.BusinessListView.as_view(), name="business-list"),
    path("businesses/new/", businesses.business_create, name="business-create"),
    path("businesses/<int:pk>/", businesses.BusinessDetailView.as_view(), name="business-detail"),
    path("businesses/<int:pk>/edit/", businesses.business_update, name="business-update"),
    path("businesses/claim/", claims.claim_create, name="claim-create"),
    path("businesses/claims/", claims.claim_list, name="claim-list"),
    path("businesses/claims/<int:pk>/decide/", claims.claim_decide_view, name="claim-decide"),
    path("regions/regency-options/", businesses.regency_options, name="regency-options"),
    path("businesses/export.csv", exports.business_export_csv, name="business-export-csv"),
    path("businesses/export.xlsx", exports.business_export_xlsx, name="business-export-xlsx"),
    path("exports/", exports.export_list, name="export-list"),
    path("exports/<int:pk>/", exports.export_detail, name="export-detail"),
    path("exports/<int:pk>/download/", exports.export_download, name="export-download"),
    path("exports/<int:pk>/progress/", exports.export_progress, name="export-progress"),
]

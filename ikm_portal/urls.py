from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language
from csp.decorators import csp_update
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from programs.policy import EVERYONE
from programs.views.mixins import open_to

from . import views

public = open_to(EVERYONE)
# The API documentation's viewers (Swagger UI, Redoc) write <style> elements of their own;
# they show no data of the portal, only its schema. Their scripts are static files (the
# split view serves Swagger UI's set-up script as one).
api_docs_styles = csp_update({"style-src": ["'unsafe-inline'"], "worker-src": ["'self'", "blob:"]})

urlpatterns = [
    path("", public(views.home), name="home"),
    path("healthz", public(views.healthz), name="healthz"),
    path("i18n/setlang/", public(set_language), name="set_language"),
    # Django's admin keeps its own door (staff accounts, ScopedAdminMixin for scoped lists).
    path("admin/", admin.site.urls),
    path("api/v1/", include("ikm_portal.api.urls")),
    path("api/schema/", public(SpectacularAPIView.as_view()), name="api-schema"),
    path("api/docs/", public(api_docs_styles(SpectacularSwaggerSplitView.as_view(url_name="api-schema"))), name="api-docs"),
    path("api/redoc/", public(api_docs_styles(SpectacularRedocView.as_view(url_name="api-schema"))), name="api-redoc"),
    path("", include("programs.urls")),
    path("", include("surveys.urls")),
    path("", include("budgets.urls")),
    path("", include("marketplace.urls")),
]

handler403 = "ikm_portal.views.error_403"
handler404 = "ikm_portal.views.error_404"
handler500 = "ikm_portal.views.error_500"

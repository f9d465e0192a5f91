from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from programs.policy import EVERYONE
from programs.views.mixins import open_to

from . import views

public = open_to(EVERYONE)

urlpatterns = [
    path("", public(views.home), name="home"),
    path("healthz", public(views.healthz), name="healthz"),
    path("i18n/setlang/", public(set_language), name="set_language"),
    # Django's admin keeps its own door (staff accounts, ScopedAdminMixin for scoped lists).
    path("admin/", admin.site.urls),
    path("api/v1/", include("ikm_portal.api.urls")),
    path("api/schema/", public(SpectacularAPIView.as_view()), name="api-schema"),
    path("api/docs/", public(SpectacularSwaggerView.as_view(url_name="api-schema")), name="api-docs"),
    path("api/redoc/", public(SpectacularRedocView.as_view(url_name="api-schema")), name="api-redoc"),
    path("", include("programs.urls")),
    path("", include("surveys.urls")),
]

handler403 = "ikm_portal.views.error_403"
handler404 = "ikm_portal.views.error_404"
handler500 = "ikm_portal.views.error_500"

"""``/api/v1/``: every app registers its viewsets on one router."""
from rest_framework.routers import DefaultRouter

from programs.api.urls import register as register_programs
from surveys.api.urls import impact_urlpatterns
from surveys.api.urls import register as register_surveys

router = DefaultRouter()
register_programs(router)
register_surveys(router)

urlpatterns = router.urls + impact_urlpatterns

from django.urls import path

from . import impact
from .views import SurveyResponseViewSet, SurveyWaveViewSet


def register(router):
    router.register("survey-waves", SurveyWaveViewSet, basename="survey-wave")
    router.register("survey-responses", SurveyResponseViewSet, basename="survey-response")


impact_urlpatterns = [
    path("impact/summary/", impact.ImpactSummaryView.as_view(), name="impact-summary"),
    path("impact/by-province/", impact.ImpactByProvinceView.as_view(), name="impact-by-province"),
    path("impact/by-sector/", impact.ImpactBySectorView.as_view(), name="impact-by-sector"),
    path("impact/by-scale/", impact.ImpactByScaleView.as_view(), name="impact-by-scale"),
    path("impact/by-regency/", impact.ImpactByRegencyView.as_view(), name="impact-by-regency"),
    path("impact/trend/", impact.ImpactTrendView.as_view(), name="impact-trend"),
]

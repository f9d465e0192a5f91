from .views import SurveyResponseViewSet, SurveyWaveViewSet


def register(router):
    router.register("survey-waves", SurveyWaveViewSet, basename="survey-wave")
    router.register("survey-responses", SurveyResponseViewSet, basename="survey-response")

from .views import ActivityViewSet, AllocationViewSet, IndicatorViewSet, OutputReportViewSet, RealisationViewSet, RevisionViewSet, WithdrawalPlanViewSet


def register(router):
    router.register("budget-allocations", AllocationViewSet, basename="budget-allocation")
    router.register("budget-revisions", RevisionViewSet, basename="budget-revision")
    router.register("budget-activities", ActivityViewSet, basename="budget-activity")
    router.register("budget-realisations", RealisationViewSet, basename="budget-realisation")
    router.register("budget-indicators", IndicatorViewSet, basename="budget-indicator")
    router.register("budget-plans", WithdrawalPlanViewSet, basename="budget-plan")
    router.register("budget-outputs", OutputReportViewSet, basename="budget-output")

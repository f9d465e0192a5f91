from .accounts import AccountViewSet
from .events import EventViewSet
from .views import BusinessViewSet, OrganisationViewSet, ProvinceViewSet, RegencyViewSet, SectorViewSet


def register(router):
    router.register("provinces", ProvinceViewSet, basename="province")
    router.register("regencies", RegencyViewSet, basename="regency")
    router.register("sectors", SectorViewSet, basename="sector")
    router.register("organisations", OrganisationViewSet, basename="organisation")
    router.register("businesses", BusinessViewSet, basename="business")
    router.register("events", EventViewSet, basename="event")
    router.register("accounts", AccountViewSet, basename="accounts")

from .views import BusinessViewSet, ProvinceViewSet


def register(router):
    router.register("provinces", ProvinceViewSet, basename="province")
    router.register("businesses", BusinessViewSet, basename="business")

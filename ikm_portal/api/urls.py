"""``/api/v1/``: every app registers its viewsets on one router."""
from rest_framework import permissions
from rest_framework.routers import APIRootView, DefaultRouter

from programs.policy import EVERYONE, RouteRule

from budgets.api.urls import register as register_budgets
from marketplace.api.urls import figures_urlpatterns as marketplace_figures_urlpatterns
from marketplace.api.urls import register as register_marketplace
from programs.api.urls import register as register_programs
from surveys.api.urls import impact_urlpatterns
from surveys.api.urls import register as register_surveys



class PortalAPIRootView(APIRootView):
    """The list of the API's collections: open to anyone, like the schema."""

    permission_classes = [permissions.AllowAny]
    route_rule = RouteRule(roles=EVERYONE)


class PortalRouter(DefaultRouter):
    APIRootView = PortalAPIRootView


router = PortalRouter()
register_programs(router)
register_surveys(router)
register_budgets(router)
register_marketplace(router)

urlpatterns = router.urls + impact_urlpatterns + marketplace_figures_urlpatterns

from django.urls import path

from . import buyers, figures
from .targets import OnboardingTargetViewSet
from .views import MarketplaceViewSet, OnboardingViewSet, PartnerReportViewSet, SellerReviewViewSet


def register(router):
    router.register("marketplaces", MarketplaceViewSet, basename="marketplace")
    router.register("marketplace-onboardings", OnboardingViewSet, basename="marketplace-onboarding")
    router.register("partner-reports", PartnerReportViewSet, basename="partner-report")
    router.register("marketplace-reviews", SellerReviewViewSet, basename="marketplace-review")
    router.register("onboarding-targets", OnboardingTargetViewSet, basename="onboarding-target")
    buyers.register(router)


figures_urlpatterns = [
    path("onboarding-figures/", figures.OnboardingFiguresView.as_view(), name="onboarding-figures"),
    path("onboarding-figures/conversion/", figures.WorkshopConversionView.as_view(), name="onboarding-figures-conversion"),
]

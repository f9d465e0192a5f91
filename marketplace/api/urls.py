from . import buyers
from .views import MarketplaceViewSet, OnboardingViewSet, PartnerReportViewSet, SellerReviewViewSet


def register(router):
    router.register("marketplaces", MarketplaceViewSet, basename="marketplace")
    router.register("marketplace-onboardings", OnboardingViewSet, basename="marketplace-onboarding")
    router.register("partner-reports", PartnerReportViewSet, basename="partner-report")
    router.register("marketplace-reviews", SellerReviewViewSet, basename="marketplace-review")
    buyers.register(router)

from django.urls import path

from . import views

urlpatterns = [
    path("budgets/", views.ranking_page, name="budget-ranking"),
    path("budgets/allocations/<int:pk>/", views.province_page, name="budget-province"),
    path("budgets/allocations/<int:pk>/realisations/", views.realisation_create, name="budget-realisation-create"),
]

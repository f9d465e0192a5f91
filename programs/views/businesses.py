from django.views.generic import DetailView, ListView

from ..models import Business
from .mixins import ScopedQuerysetMixin


class BusinessListView(ScopedQuerysetMixin, ListView):
    model = Business
    paginate_by = 50

    def get_queryset(self):
        return super().get_queryset().select_related("province")


class BusinessDetailView(ScopedQuerysetMixin, DetailView):
    model = Business

    def get_queryset(self):
        return super().get_queryset().select_related("province", "owner")

"""A paginator for lists of up to millions of rows: counts exactly up to a cap, then says "more than"."""
from functools import cached_property

from django.core.paginator import Paginator


class CappedCountPaginator(Paginator):
    """Counting 50,000 matches of a broad search costs more than showing the first page;
    people do not page that far. ``count`` stops at ``cap + 1`` and ``count_is_capped`` says so."""

    cap = 10_000

    @cached_property
    def count(self):
        # Without ORDER BY: the limited subquery stops at the cap instead of sorting every match.
        return self.object_list.order_by()[: self.cap + 1].count()

    @property
    def count_is_capped(self):
        return self.count > self.cap

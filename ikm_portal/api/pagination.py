from rest_framework.pagination import PageNumberPagination


class PortalPagination(PageNumberPagination):
    """``{count, next, previous, results}`` with ``?page_size=`` bounded to keep queries cheap."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 1000

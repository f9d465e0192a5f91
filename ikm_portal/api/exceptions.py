"""API errors as field errors, never a 500 for a client's mistake."""
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    # Validation raised by services (model full_clean) reaches the API as field errors.
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = serializers.ValidationError(detail)
    # Django's "No Province matches the given query." is English and names the model: the
    # API answers a missing record in the user's language, as for a path no route matches.
    if isinstance(exc, Http404):
        exc = NotFound()
    # Deleting a record others depend on (a business with survey responses) is a conflict.
    if isinstance(exc, (ProtectedError, RestrictedError)):
        return Response({"detail": _("This record is still used by other records and cannot be deleted.")}, status=status.HTTP_409_CONFLICT)
    return drf_exception_handler(exc, context)

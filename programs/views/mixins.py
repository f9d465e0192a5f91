"""The page doors: every view says which action of which model it performs, and the door
asks the policy (``programs.policy.can``) before the view runs.

- anonymous visitors who may not perform the action are sent to sign in;
- an object named in the URL is looked up within ``visible_to(user)``: out of scope is 404,
  so ids do not leak;
- in scope but not allowed is 403.

Function views use :func:`action_required` (it hands the view the object it checked);
class views use :class:`ActionRequiredMixin`; routes about no model use :func:`open_to`.
The route's declaration is kept on the view (``route_rule``) for the permission matrix test.
See docs/permissions.md.
"""
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import url_has_allowed_host_and_scheme

from ..policy import RouteRule, can


def _model_and_rows(model_or_queryset):
    if isinstance(model_or_queryset, QuerySet):
        return model_or_queryset.model, model_or_queryset
    return model_or_queryset, model_or_queryset._default_manager.all()


def check_route(request, rule, rows, kwargs):
    """Apply ``rule`` to the request: returns ``(response, obj)``; ``response`` is a redirect
    to sign in when one is due. Raises 404 (out of scope) or PermissionDenied (403)."""
    user = request.user
    if rule.model is None:
        if rule.allows(user):
            return None, None
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path()), None
        raise PermissionDenied
    if not user.is_authenticated and not can(user, rule.action, rule.model):
        return redirect_to_login(request.get_full_path()), None
    if rule.lookup is None:
        if not can(user, rule.action, rule.model):
            raise PermissionDenied
        return None, None
    obj = get_object_or_404(rows.visible_to(user), **{rule.field: kwargs.pop(rule.lookup)})
    if not can(user, rule.action, obj):
        raise PermissionDenied
    return None, obj


def action_required(action, model_or_queryset, *, lookup=None, field="pk"):
    """Decorate a function view that performs ``action`` on a model.

    With ``lookup`` (the URL keyword naming the object, matched against ``field``), the
    object is loaded within the user's scope and passed to the view as its second argument
    instead of the keyword: ``def event_edit(request, event)``. ``model_or_queryset`` may be
    a QuerySet to load the object with its relations.
    """
    model, rows = _model_and_rows(model_or_queryset)
    rule = RouteRule(model=model, action=action, lookup=lookup, field=field)

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            response, obj = check_route(request, rule, rows, kwargs)
            if response is not None:
                return response
            if rule.lookup is None:
                return view(request, *args, **kwargs)
            return view(request, obj, *args, **kwargs)

        wrapped.route_rule = rule
        return wrapped

    return decorator


def open_to(roles):
    """Decorate a view about no model (sign-in, the home page) with the roles that may open it."""
    rule = RouteRule(roles=frozenset(roles))

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            response, _obj = check_route(request, rule, None, kwargs)
            return response if response is not None else view(request, *args, **kwargs)

        wrapped.route_rule = rule
        return wrapped

    return decorator


class ActionRequiredMixin:
    """The class-view door: declare ``route_rule`` (or ``model`` and ``action``, default
    ``view``); the object named by the URL, if any, is ``self.checked_object``. Lists read
    through ``visible_to``."""

    action = "view"
    route_rule = None
    #: The rows the object named by the URL is loaded from (with its relations), within scope.
    route_queryset = None

    @classmethod
    def get_route_rule(cls):
        return cls.route_rule or RouteRule(model=cls.model, action=cls.action)

    def dispatch(self, request, *args, **kwargs):
        rule = self.get_route_rule()
        rows = self.route_queryset if self.route_queryset is not None else (rule.model._default_manager.all() if rule.model else None)
        # The URL keywords stay in self.kwargs for the generic view; the door reads a copy.
        response, self.checked_object = check_route(request, rule, rows, dict(kwargs))
        if response is not None:
            return response
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return super().get_queryset().visible_to(self.request.user)

    def get_object(self, queryset=None):
        if self.checked_object is not None:
            return self.checked_object
        return super().get_object(queryset)


def safe_next(request, fallback):
    """Redirect to the ``next`` the request names when it is on this site, else to ``fallback``."""
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect(fallback)

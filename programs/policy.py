"""Who may do what: one declaration per model, one question every door asks.

Rows are scoped by the model's QuerySet (``visible_to`` / ``editable_by``, see
docs/scoping.md). Actions are declared on the same QuerySet class::

    class BusinessQuerySet(ScopedQuerySet):
        province_field = "province"
        owner_field = "owner"
        policy = Policy(
            view=SIGNED_IN,
            add={Role.MINISTRY_ADMIN, Role.OFFICER, Role.OWNER},
            change={Role.MINISTRY_ADMIN, Role.OFFICER, Role.OWNER},
            delete={Role.MINISTRY_ADMIN},
        )

and every view, API permission, template and service asks :func:`can`::

    can(user, "change", business)   # this business
    can(user, "add", Business)      # any business at all (buttons, create pages)

An action is allowed when the user's role is listed for it and, for an object, the object is
in the user's scope: ``visible_to`` for reading actions (``view`` and any declared with
``scope=VISIBLE``), ``editable_by`` for the rest. A :class:`Rule` may add a condition of its
own (an officer verifies only with the verifier permission). Doors turn the answer into
HTTP: out of scope is 404 (ids do not leak), in scope but not allowed is 403, anonymous
users are sent to sign in. See docs/permissions.md.
"""
from dataclasses import dataclass
from typing import Callable

from django.core.exceptions import ImproperlyConfigured

from .roles import Role, role_of

#: The role of a visitor who has not signed in.
PUBLIC = None
#: Every role, and the public.
EVERYONE = frozenset({PUBLIC, *Role})
#: Every signed-in role.
SIGNED_IN = frozenset(Role)
#: Ministry admins and staff.
MINISTRY = frozenset({Role.MINISTRY_ADMIN, Role.MINISTRY_STAFF})
#: Those who run programmes: ministry admins and staff, provincial officers.
ORGANISERS = frozenset({Role.MINISTRY_ADMIN, Role.MINISTRY_STAFF, Role.OFFICER})
#: Nobody (an action the portal does not offer, declared so that routes can name it).
NOBODY = frozenset()

#: Scope of an object for a rule: readable, or writable by the user.
VISIBLE = "visible"
EDITABLE = "editable"
#: The action is about the model, never about one of its objects.
NO_OBJECT = None

#: The scope an action's object must be in when its rule is given as a plain set of roles:
#: reading within ``visible_to``, adding about the model (the saved object is re-checked
#: against ``editable_by`` by the service or API base), everything else within ``editable_by``.
DEFAULT_SCOPES = {"view": VISIBLE, "add": NO_OBJECT}


@dataclass(frozen=True)
class Rule:
    """Who may perform one action: the roles, which scope an object must be in, and an
    optional extra condition ``check(user, obj)`` (``obj`` is None for a model-level question)."""

    roles: frozenset
    scope: str | None = EDITABLE
    check: Callable | None = None

    def allows(self, user, role, obj):
        if role not in self.roles:
            return False
        if obj is not None and self.scope is not None:
            manager = type(obj)._default_manager
            rows = manager.visible_to(user) if self.scope == VISIBLE else manager.editable_by(user)
            if obj.pk is None or not rows.filter(pk=obj.pk).exists():
                return False
        return self.check is None or bool(self.check(user, obj))


class Policy:
    """The actions of one model. Keyword arguments name actions; each value is a set of roles
    (``view`` then reads within ``visible_to``, ``add`` is about the model, any other action
    writes within ``editable_by``) or a :class:`Rule`."""

    def __init__(self, **actions):
        self.rules = {}
        for action, value in actions.items():
            if isinstance(value, Rule):
                self.rules[action] = value
            else:
                self.rules[action] = Rule(roles=frozenset(value), scope=DEFAULT_SCOPES.get(action, EDITABLE))

    def rule(self, action):
        try:
            return self.rules[action]
        except KeyError:
            raise ImproperlyConfigured(f"No policy rule for the action {action!r}; declare it on the model's QuerySet.") from None

    @property
    def actions(self):
        return tuple(self.rules)


def policy_for(model):
    """The :class:`Policy` declared on ``model``'s QuerySet."""
    manager = model._default_manager
    queryset_class = getattr(manager, "_queryset_class", type(manager.get_queryset()))
    policy = getattr(queryset_class, "policy", None)
    if policy is None:
        raise ImproperlyConfigured(f"{model._meta.label} declares no policy on its QuerySet ({queryset_class.__name__}.policy).")
    return policy


def can(user, action, target):
    """May ``user`` perform ``action`` on ``target``, a model instance or a model class?

    For a class the answer is about the role alone ("may this user ever add businesses?");
    for an instance the instance must also be in the user's scope for that action.
    """
    model = target if isinstance(target, type) else type(target)
    obj = None if isinstance(target, type) else target
    return policy_for(model).rule(action).allows(user, role_of(user), obj)


def allowed_actions(user, target):
    """The names of the actions ``user`` may perform on ``target`` (for templates and APIs)."""
    model = target if isinstance(target, type) else type(target)
    return {action for action in policy_for(model).actions if can(user, action, target)}


@dataclass(frozen=True)
class RouteRule:
    """What a route does, declared by its door (``action_required``, ``open_to``, the API
    base): the permission matrix test reads it to know what each role may expect.

    ``model`` and ``action`` name the policy rule; ``lookup`` is the URL keyword naming the
    object (matched against ``field``), None for a model-level route. Routes that are about no
    model (sign-in, the home page, health) give ``roles`` instead.
    """

    model: type | None = None
    action: str | None = None
    lookup: str | None = None
    field: str = "pk"
    roles: frozenset | None = None

    def allows(self, user, obj=None):
        if self.model is None:
            return role_of(user) in self.roles
        return can(user, self.action, obj if obj is not None else self.model)

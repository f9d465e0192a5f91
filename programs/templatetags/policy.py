"""``{% can "action" target as name %}``: templates show a button only when the policy allows
the action. ``target`` is an object or a model label such as ``"programs.Business"``."""
from django import template
from django.apps import apps

from ..policy import can as policy_can

register = template.Library()


@register.simple_tag(takes_context=True)
def can(context, action, target):
    if isinstance(target, str):
        target = apps.get_model(target)
    return policy_can(context["request"].user, action, target)

from programs.roles import role_of


def portal(request):
    """The signed-in user's role, for navigation that depends on it."""
    user = getattr(request, "user", None)
    return {"user_role": role_of(user) if user is not None else None}

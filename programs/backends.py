from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class UsernameOrEmailBackend(ModelBackend):
    """Sign in with the user name or the e-mail address.

    A correct password for an account whose e-mail is not yet verified returns the user, so
    the login form can say "verify your e-mail first" instead of "wrong password"; the form
    then refuses it. Sessions (``get_user``) still refuse inactive users.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        User = get_user_model()
        username = username.strip()
        candidates = User._default_manager.filter(username__iexact=username)
        if "@" in username:
            candidates = candidates | User._default_manager.filter(email__iexact=username)
        users = list(candidates[:2])
        if len(users) != 1:
            User().set_password(password)  # same work as a real check: no timing oracle
            return None
        user = users[0]
        if user.check_password(password):
            return user
        return None


def lockout_username(request, credentials):
    """The name failed sign-ins are counted under (django-axes ``AXES_USERNAME_CALLABLE``):
    trimmed and lower-cased, as the backend matches it, so ``Pemilik@Contoh.id`` and
    ``pemilik@contoh.id`` share one count and changing the case cannot dodge a lockout."""
    username = (credentials or {}).get("username") or (request.POST.get("username") if request is not None else None) or ""
    return username.strip().lower()

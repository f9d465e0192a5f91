from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.views import LoginView
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from ..forms import LoginForm, ResendVerificationForm, SignupForm
from ..services import VerificationLinkInvalid, owner_signup, signup_resend_verification, signup_verify


class PortalLoginView(LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True


@sensitive_post_parameters("password1", "password2")
@require_http_methods(["GET", "POST"])
def signup(request):
    """IKM owners create their own account; officers and ministry staff are provisioned."""
    if request.user.is_authenticated:
        return redirect("home")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = owner_signup(
                full_name=form.cleaned_data["full_name"],
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password1"],
                base_url=request.build_absolute_uri("/"),
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                for message in errors:
                    form.add_error(field, message)
        else:
            return render(request, "registration/signup_done.html", {"email": user.email})
    return render(request, "registration/signup.html", {"form": form})


def signup_verify_view(request, token):
    try:
        user = signup_verify(token=token)
    except VerificationLinkInvalid as invalid:
        return render(
            request,
            "registration/signup_verify_failed.html",
            {"expired": invalid.expired, "form": ResendVerificationForm()},
            status=400,
        )
    login(request, user, backend="programs.backends.UsernameOrEmailBackend")
    messages.success(request, _("Your e-mail is verified and your account is active. Welcome!"))
    return redirect("home")


@require_http_methods(["GET", "POST"])
def signup_resend(request):
    form = ResendVerificationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        signup_resend_verification(email=form.cleaned_data["email"], base_url=request.build_absolute_uri("/"))
        # The same answer whether or not the address is registered: no account enumeration.
        messages.info(request, _("If that address belongs to an account waiting for verification, a new link is on its way."))
        return redirect("login")
    return render(request, "registration/signup_resend.html", {"form": form})

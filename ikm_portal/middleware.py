"""Request-wide language and time zone."""
import zoneinfo

from django.conf import settings
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers


class LanguageMiddleware:
    """Bahasa Indonesia unless the user chose another language with the switch.

    Django's LocaleMiddleware would follow the browser's Accept-Language header, so a
    ministry laptop set to English would get English pages unasked. Here only the
    language cookie (set by ``set_language``) counts.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in self.supported:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Cookie",))
        return response


class PermissionsPolicyMiddleware:
    """Send ``Permissions-Policy`` (settings.PERMISSIONS_POLICY) with every response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class TimezoneMiddleware:
    """Show times in the officer's province time zone (WIB/WITA/WIT), Asia/Jakarta otherwise."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        province = getattr(getattr(request.user, "profile", None), "province", None) if request.user.is_authenticated else None
        if province is not None and province.timezone:
            timezone.activate(zoneinfo.ZoneInfo(province.timezone))
        else:
            timezone.deactivate()
        return self.get_response(request)

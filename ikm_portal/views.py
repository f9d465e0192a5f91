"""The home page each role lands on, the health probe and the error pages."""
import logging
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.views.decorators.cache import never_cache

from programs.models import Business, BusinessClaim, Event, Province
from programs.roles import Role, role_of

from . import pagecache

logger = logging.getLogger(__name__)

_HOME_TEMPLATES = {
    Role.MINISTRY_ADMIN: "home/ministry.html",
    Role.MINISTRY_STAFF: "home/ministry.html",
    Role.OFFICER: "home/officer.html",
    Role.OWNER: "home/owner.html",
}


# The public landing page (its coming events) may be a minute old for visitors.
@pagecache.anonymous_page("landing", timeout=60)
def home(request):
    """Each role lands on its own page; the public sees the programme's landing page.
    Ministry staff land on the national impact dashboard, officers on their province's."""
    from surveys import views_impact

    role = role_of(request.user)
    context = {"role": role}
    businesses = Business.objects.visible_to(request.user)
    if role in (Role.MINISTRY_ADMIN, Role.MINISTRY_STAFF):
        extra = {"province_count": Province.objects.count(), "business_count": _cached_count("all", businesses)}
        return views_impact.national_page(request, template="home/ministry.html", extra=extra)
    if role == Role.OFFICER:
        extra = {
            "business_count": _cached_count(f"province-{request.user.profile.province_id}", businesses),
            "pending_claims": BusinessClaim.objects.editable_by(request.user).filter(status=BusinessClaim.Status.PENDING).count(),
        }
        return views_impact.province_page(request, request.user.profile.province, template="home/officer.html", extra=extra)
    if role == Role.OWNER:
        from surveys.selectors import owner_survey_tasks

        context.update(businesses=businesses.select_related("province")[:50], survey_tasks=owner_survey_tasks(request.user))
    context["upcoming_events"] = Event.objects.visible_to(request.user).upcoming().order_by("starts_at")[:3]
    return render(request, _HOME_TEMPLATES.get(role, "home/public.html"), context)


def _cached_count(scope, queryset):
    """The number of registered businesses for a landing page: counting a million rows takes
    tens of milliseconds, and a figure up to five minutes old is as useful here."""
    return cache.get_or_set(f"home:business-count:{scope}", queryset.count, timeout=300)


def _check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return {"status": "ok"}


def _check_cache():
    from .cache import cache_is_down

    if cache_is_down():
        raise RuntimeError("cache unreachable (pages are served without it)")
    cache.set("healthz:probe", "1", timeout=10)
    if cache.get("healthz:probe") != "1":
        raise RuntimeError("cache did not return what was written")
    return {"status": "ok", "backend": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]}


def _check_broker():
    if not settings.REDIS_URL:
        return {"status": "ok", "mode": "in-process"}
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
    try:
        client.ping()
    finally:
        client.close()
    return {"status": "ok", "mode": "redis"}


def _check_worker():
    """A worker is alive when one wrote its heartbeat within WORKER_STALE_SECONDS (see
    ikm_portal.celery); without Redis tasks run in-process and no worker is needed."""
    from programs.models import WorkerHeartbeat

    if not settings.REDIS_URL:
        return {"status": "ok", "mode": "in-process"}
    workers = WorkerHeartbeat.objects.filter(broker=WorkerHeartbeat.broker_id())
    newest = workers.order_by("-seen_at").first()
    last = newest.seen_at if newest else None
    age = round((timezone.now() - last).total_seconds()) if last else None
    alive = workers.filter(seen_at__gte=timezone.now() - timedelta(seconds=settings.WORKER_STALE_SECONDS)).count()
    body = {"status": "ok" if alive else "error", "alive": alive, "last_heartbeat": last.isoformat() if last else None, "age_seconds": age}
    if not alive:
        body["error"] = "no worker heartbeat within %s s" % settings.WORKER_STALE_SECONDS
    return body


def _newest_rollup():
    """When the newest impact figures were computed, and how old they are (None before any)."""
    from django.db.models import Max

    from surveys.models import ImpactRollup

    newest = ImpactRollup.objects.aggregate(newest=Max("computed_at"))["newest"]
    if newest is None:
        return None
    return {"computed_at": newest.isoformat(), "age_seconds": round((timezone.now() - newest).total_seconds())}


def _may_see_health_details(request):
    """Ministry staff, and the load balancer or monitoring with HEALTHZ_TOKEN; the public
    learns only ok / not ok (the details name servers and versions)."""
    token = settings.HEALTHZ_TOKEN
    if token:
        given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if given and constant_time_compare(given, token):
            return True
    return role_of(request.user) in (Role.MINISTRY_ADMIN, Role.MINISTRY_STAFF)


@never_cache
def healthz(request):
    """JSON for the load balancer: 200 when the database, the cache, the broker and a worker
    answer, 503 otherwise."""
    checks = {}
    for name, check in (("database", _check_database), ("cache", _check_cache), ("broker", _check_broker), ("worker", _check_worker)):
        if name == "worker" and checks["database"]["status"] != "ok":
            checks[name] = {"status": "error", "error": "database unreachable"}
            continue
        try:
            checks[name] = check()
        except Exception as exc:  # any failure of a dependency is reported, not raised
            logger.warning("healthz: %s check failed: %s", name, exc)
            checks[name] = {"status": "error", "error": str(exc).splitlines()[0] if str(exc) else type(exc).__name__}
    healthy = all(check["status"] == "ok" for check in checks.values())
    body = {"status": "ok" if healthy else "error"}
    if _may_see_health_details(request):
        checks["newest_rollup"] = _newest_rollup() if checks["database"]["status"] == "ok" else None
        body.update(checks)
    return JsonResponse(body, status=200 if healthy else 503)


def error_403(request, exception=None):
    return render(request, "errors/403.html", status=403)


def error_404(request, exception=None):
    # An API client that names a path no route matches (``/api/v1/businesses/1.5/``) gets the
    # API's JSON answer, as for a record out of scope.
    if request.path.startswith("/api/"):
        from rest_framework.exceptions import NotFound

        return JsonResponse({"detail": str(NotFound.default_detail)}, status=404)
    return render(request, "errors/404.html", status=404)


def error_500(request):
    # No context processors touching the database: it may be what failed.
    from django.template import loader

    from django.http import HttpResponseServerError

    return HttpResponseServerError(loader.get_template("errors/500.html").render())

"""The permission matrix: every route × every role × reading and writing, generated.

Routes come from the URLconf (pages and API; the API's are checked against the OpenAPI
schema too). What each role may expect comes from the route's own declaration (its door's
``route_rule``, or the viewset's model and ``policy_actions``) and the model's policy, not
from a second list written here:

- an anonymous visitor who may not act is sent to sign in (pages) or gets 401 (API);
- an object outside the user's scope is 404;
- in scope but not allowed is 403;
- allowed is never 403, 404 or a server error.

Every body a role may read is also searched for the personal data (NIK, phone, e-mail) of
the sample business, which only its owner, officers of its province and ministry admins may
see. A route without a declaration fails the test. Django's admin is left out: it has its own
door (staff accounts; ``ScopedAdminMixin`` on scoped lists).
"""
import datetime
import re
from dataclasses import dataclass

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.viewsets import ViewSetMixin

from programs.api.base import policy_action
from programs.policy import RouteRule, can

from ..factories import BusinessFactory, make_activity, make_allocation, make_event, make_user, make_wave, province

ROLES = ["anonymous", "owner", "other_owner", "officer", "other_officer", "staff", "admin"]
NIK, PHONE, EMAIL = "3273017007990077", "+6281277700777", "pdp.pemilik@contoh.id"
# The ways a page may print the phone (stored as +62…; shown as typed or grouped).
PHONE_SHAPES = [PHONE, "081277700777", "0812-7770-0777", "0812 7770 0777", "77700777"]
#: URL keywords that name no object, with a value that resolves.
PLAIN_KWARGS = {"name": "provinces", "fmt": "xlsx", "token": "not-a-token", "uidb64": "MQ", "format": "json"}


@dataclass
class Route:
    path: str
    name: str
    method: str
    rule: RouteRule
    api: bool
    kwargs: tuple

    @property
    def id(self):
        return f"{self.method} {self.path}"


def _walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern


def _api_rules(callback):
    """``(method, RouteRule)`` for an API view: the model from its queryset (or
    ``policy_model``), the action from the viewset's action as the API door maps it."""
    cls = callback.cls
    declared = getattr(cls, "route_rule", None)
    if declared is not None:
        return [("GET", declared)]
    model = getattr(cls, "policy_model", None) or cls.queryset.model
    if issubclass(cls, ViewSetMixin):
        rules = []
        for method, action in callback.actions.items():
            view = cls(action=action)
            view.action = action
            lookup = cls.lookup_url_kwarg or cls.lookup_field  # dropped below for list routes
            rules.append((method.upper(), RouteRule(model=model, action=policy_action(view), lookup=lookup, field=cls.lookup_field)))
        return rules
    return [("GET", RouteRule(model=model, action=cls.policy_action))]


def collect_routes():
    routes, undeclared = [], []
    for path, pattern in _walk(get_resolver().url_patterns):
        kwargs = tuple(pattern.pattern.regex.groupindex)
        if "format" in kwargs:
            continue  # the API's ".json" twins of the same views
        callback = pattern.callback
        if hasattr(callback, "cls") and not hasattr(callback, "route_rule"):
            for method, rule in _api_rules(callback):
                if rule.lookup is not None and rule.lookup not in kwargs:
                    rule = RouteRule(model=rule.model, action=rule.action, roles=rule.roles)
                routes.append(Route(path, pattern.name, method, rule, True, kwargs))
            continue
        rule = getattr(callback, "route_rule", None) or getattr(getattr(callback, "view_class", None), "get_route_rule", lambda: None)()
        if rule is None:
            undeclared.append(path)
            continue
        routes.append(Route(path, pattern.name, "GET", rule, False, kwargs))
        routes.append(Route(path, pattern.name, "POST", rule, False, kwargs))
    return routes, undeclared


ROUTES, UNDECLARED = collect_routes()


def test_every_route_declares_what_it_does():
    assert UNDECLARED == [], "routes without a policy declaration (use action_required / open_to / ActionRequiredMixin)"
    assert len(ROUTES) > 100


def _schema_path(route):
    """``api/v1/^businesses/(?P<pk>[^/.]+)/$`` → ``/api/v1/businesses/{id}/``, as the schema names it."""
    path = "/" + route.path.replace("^", "").replace("$", "")
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda match: "{" + ("id" if match.group(1) == "pk" else match.group(1)) + "}", path)
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", path)


def test_api_routes_cover_the_openapi_schema(client):
    """Every operation the schema publishes is walked by the matrix."""
    schema = client.get("/api/schema/?format=json").json()
    published = {(path, method.upper()) for path, operations in schema["paths"].items() for method in operations}
    walked = {(_schema_path(route), route.method) for route in ROUTES if route.api}
    assert published, "the schema lists no operation"
    assert published <= walked, f"schema operations the matrix does not walk: {sorted(published - walked)}"


@pytest.fixture
def world(db, settings, tmp_path):
    """One record of every kind in Jawa Barat, and one actor per role."""
    from programs.models import BusinessClaim, ExportJob, Organisation, Registration
    from surveys.models import SurveyImport, SurveyResponse

    settings.MEDIA_ROOT = tmp_path
    # A live worker, so /healthz answers 200 (its 503 without one is tested on its own).
    from django.utils import timezone

    from programs.models import WorkerHeartbeat

    WorkerHeartbeat.objects.create(hostname="celery@matrix", broker=WorkerHeartbeat.broker_id(), started_at=timezone.now(), seen_at=timezone.now())
    jabar, kalsel = province("32"), province("63")
    actors = {
        "anonymous": None,
        "owner": make_user("owner", username="pemilik.matriks@contoh.id", email="pemilik.matriks@contoh.id"),
        "other_owner": make_user("owner", username="pemilik.lain@contoh.id", email="pemilik.lain@contoh.id"),
        "officer": make_user("officer", province=jabar, username="petugas.jabar.matriks"),
        "other_officer": make_user("officer", province=kalsel, username="petugas.kalsel.matriks"),
        "staff": make_user("ministry-staff", username="staf.matriks"),
        "admin": make_user("ministry-admin", username="admin.matriks"),
    }
    business = BusinessFactory(name="Konveksi Matriks", province=jabar, owner=actors["owner"], nik=NIK, phone=PHONE, email=EMAIL)
    BusinessFactory(name="Sasirangan Lain", province=kalsel, owner=actors["other_owner"])
    unclaimed = BusinessFactory(name="Anyaman Tanpa Pemilik", province=jabar)
    event = make_event(organiser_province=jabar, starts_in_days=-1, registration_opens=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC),
                       registration_closes=datetime.datetime(2020, 1, 2, tzinfo=datetime.UTC))
    registration = Registration.objects.create(event=event, business=business, status="confirmed", attended=True, registered_by=actors["owner"])
    event.seats_taken = 1
    event.save(update_fields=["seats_taken"])
    wave = make_wave("JB-2020-04", province=jabar, status="open")
    response = SurveyResponse.objects.create(
        wave=wave, business=business, province=jabar, regency=business.regency, sector=business.sector, scale=business.scale,
        turnover_before=40_000_000, turnover_after=20_000_000, workers_before=10, workers_after=8, operating_status="reduced",
    )
    record = SurveyImport.objects.create(wave=wave, user=actors["officer"], province=jabar, original_name="survei.csv", status="rejected")
    record.file.save("survei.csv", ContentFile(b"nib\n1\n"), save=False)
    record.error_report.save("kesalahan.xlsx", ContentFile(b"x"), save=True)
    job = ExportJob.objects.create(user=actors["officer"], kind="businesses", status="done")
    job.file.save("usaha.xlsx", ContentFile(b"x"), save=True)
    claim = BusinessClaim.objects.create(business=unclaimed, claimant=actors["other_owner"])
    from budgets.models import Realisation, Revision

    allocation = make_allocation(jabar)
    activity = make_activity(allocation)
    revision = Revision.objects.create(allocation=allocation, number=1, date=datetime.date(2020, 4, 20), kind="refocusing", reason="Refocusing",
                                       ceiling=allocation.ceiling, created_by=actors["staff"])
    realisation = Realisation.objects.create(allocation=allocation, activity=activity, payment_number="SP2D-MATRIKS", date=datetime.date(2020, 7, 1),
                                             amount=1_000_000, account="521211", entered_by=actors["officer"])
    from budgets.indicators import refresh as refresh_indicators
    from budgets.models import Indicator

    refresh_indicators(allocation.year)
    from budgets.models import WithdrawalPlan

    plan = WithdrawalPlan.objects.create(allocation=allocation, version=1, months=[0] * 12, created_by=actors["officer"])
    from budgets.models import OutputReport, RealisationImport

    budget_upload = RealisationImport.objects.create(allocation=allocation, user=actors["officer"], original_name="sp2d.csv", status="rejected")
    budget_upload.file.save("sp2d.csv", ContentFile(b"Nomor SP2D\n1\n"), save=False)
    budget_upload.error_report.save("kesalahan-sp2d.xlsx", ContentFile(b"x"), save=True)
    samples = {
        "programs.business": business, "programs.event": event, "programs.registration": registration,
        "programs.businessclaim": claim, "programs.exportjob": job, "programs.province": jabar,
        "programs.regency": business.regency, "programs.sector": business.sector,
        "programs.organisation": Organisation.objects.first(),
        "programs.profile": actors["officer"].profile,
        "surveys.surveywave": wave, "surveys.surveyresponse": response, "surveys.surveyimport": record,
        "budgets.allocation": allocation, "budgets.activity": activity, "budgets.revision": revision, "budgets.realisation": realisation,
        "budgets.indicator": Indicator.objects.filter(province=jabar, month=12).first(), "budgets.withdrawalplan": plan,
        "budgets.realisationimport": budget_upload,
        "budgets.outputreport": OutputReport.objects.create(activity=activity, month=datetime.date(2020, 7, 1), volume=10, entered_by=actors["officer"]),
        **_marketplace_samples(actors, business, jabar),
        **_export_buyer_samples(actors, business),
    }
    return actors, samples, business


def _marketplace_samples(actors, business, jabar):
    from marketplace.models import Marketplace, Onboarding, OnboardingTarget, PartnerReport, SellerReview

    tokopedia = Marketplace.objects.get(code="tokopedia")
    onboarding = Onboarding.objects.create(business=business, marketplace=tokopedia, province=jabar, shop_name="Konveksi Matriks Official",
                                           onboarded=datetime.date(2020, 7, 1), source="owner", confirmed=False)
    report = PartnerReport.objects.create(marketplace=tokopedia, month=datetime.date(2020, 7, 1), user=actors["officer"], province=jabar,
                                          original_name="penjual.csv", status="rejected")
    report.file.save("penjual.csv", ContentFile(b"Nama Usaha\n1\n"), save=False)
    report.error_report.save("kesalahan-penjual.xlsx", ContentFile(b"x"), save=True)
    review = SellerReview.objects.create(report=report, marketplace=tokopedia, seller_key="id:TKP-1", row=2, province=jabar, regency=business.regency,
                                         name="Konveksi Matriks", phone="+6281300000000", shop_name="KM", onboarded=datetime.date(2020, 7, 1),
                                         reason="ambiguous", candidates=[business.pk])
    target = OnboardingTarget.objects.create(year=2020, province=jabar, target=500)
    return {"marketplace.marketplace": tokopedia, "marketplace.onboarding": onboarding, "marketplace.partnerreport": report, "marketplace.sellerreview": review,
            "marketplace.onboardingtarget": target}


def _export_buyer_samples(actors, business):
    from marketplace.models import Buyer, Commitment, MatchingMeeting, Nomination

    buyer = Buyer.objects.create(company="Matrix Furniture Inc.", country="US", country_name="United States", hs_codes=["9403"], source="attache")
    commitment = Commitment.objects.create(business=business, buyer=buyer, product="Kursi rotan", hs_code="940380", currency="USD", value=1000,
                                           value_idr=14_000_000, signed=datetime.date(2019, 11, 1), status="held", status_date=datetime.date(2019, 11, 1),
                                           reason="COVID-19")
    meeting = MatchingMeeting.objects.create(mode="virtual", date=datetime.date(2020, 9, 1), facilitator="attache")
    meeting.businesses.set([business])
    meeting.buyers.set([buyer])
    nomination = Nomination.objects.create(buyer=buyer, business=business, nominated_by=actors["officer"])
    return {"marketplace.buyer": buyer, "marketplace.commitment": commitment, "marketplace.matchingmeeting": meeting, "marketplace.nomination": nomination}


def _url(route, samples):
    kwargs = {}
    obj = None
    for keyword in route.kwargs:
        if route.rule.lookup == keyword:
            obj = samples[route.rule.model._meta.label_lower]
            assert obj is not None, f"no sample {route.rule.model._meta.label_lower}"
            kwargs[keyword] = getattr(obj, route.rule.field)
        else:
            kwargs[keyword] = PLAIN_KWARGS[keyword]
    # Built from the pattern, not reversed: page and API routes may share a name.
    path = "/" + route.path.replace("^", "").replace("$", "")
    for keyword, value in kwargs.items():
        path = re.sub(r"\(\?P<" + keyword + r">[^)]*\)|<(?:\w+:)?" + keyword + ">", str(value), path)
    assert "<" not in path and "(" not in path, path
    return path, obj


def _expected(route, user, obj):
    """What the declarations promise this user: 'login', 404, 403 or 'ok'."""
    rule = route.rule
    if rule.model is None:
        allowed = rule.allows(user)
        return "ok" if allowed else ("login" if user is None else 403)
    if user is None and not can(user, rule.action, rule.model):
        return "login"
    if obj is not None and not rule.model._default_manager.visible_to(user).filter(pk=obj.pk).exists():
        return 404
    return "ok" if rule.allows(user, obj) else 403


def _request(client, route, url):
    body = {}
    method = route.method.lower()
    if route.api:
        return getattr(client, method)(url, body, content_type="application/json") if method != "get" else client.get(url)
    return client.get(url) if method == "get" else client.post(url, body)


def _outcome(route, response):
    status = response.status_code
    if status >= 500:
        return "server error"
    if route.api and status == 401:
        return "login"
    if not route.api and status == 302 and "/accounts/login/" in response.get("Location", ""):
        return "login"
    if status in (403, 404):
        return status
    if status == 405:
        return "not this method"
    return "ok"


def _personal_data_shown(response):
    if response.get("Content-Type", "").split(";")[0] not in ("text/html", "application/json", "text/csv", "text/plain", "text/calendar"):
        return []
    body = b"".join(response.streaming_content).decode("utf-8", "replace") if response.streaming else response.content.decode("utf-8", "replace")
    return [value for value in (NIK, EMAIL, *PHONE_SHAPES) if value in body]


@pytest.mark.parametrize("route", ROUTES, ids=[route.id for route in ROUTES])
def test_route_answers_each_role_as_declared(route, world):
    actors, samples, business = world
    url, obj = _url(route, samples)
    problems, answered = [], 0
    for role in ROLES:
        user = actors[role]
        client = Client()
        if user is not None:
            client.force_login(user)
        expected = _expected(route, user, obj)
        # Each role's request is undone afterwards: a write by one role must not change what
        # the next one meets.
        with transaction.atomic():
            response = _request(client, route, url)
            outcome = _outcome(route, response)
            leaked = _personal_data_shown(response) if outcome == "ok" and not can(user, "view_personal_data", business) else []
            transaction.set_rollback(True)
        if outcome == "not this method":
            continue  # a page that only reads (GET) or only writes (POST): the other method is refused for all
        answered += 1
        if outcome != expected:
            problems.append(f"{role}: expected {expected}, got {outcome} ({response.status_code})")
        if leaked:
            problems.append(f"{role}: personal data in the body: {leaked}")
    if not answered:
        pytest.skip(f"{route.method} is not a method of {route.path}")
    assert not problems, f"{route.id} ({route.rule.model.__name__ if route.rule.model else 'no model'}.{route.rule.action or ''}):\n" + "\n".join(problems)

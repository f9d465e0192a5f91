"""Load over HTTP: gunicorn (production settings, 4 workers) on a million survey responses,
8 concurrent clients per page (wrk), requests/s, p50/p95 and errors per page.

    scripts/bench.sh bench/load.py [--responses 1000000] [--clients 8] [--seconds 20] [--workers 4]

Targets: public pages ≥ 500 requests/s, the staff home ≥ 50, no errors. wrk (Debian package)
is installed when missing and the script runs as root. The client shares the machine with
the server, as a reverse proxy would.
"""
import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

from _common import ROOT, bench_user, run_seed  # noqa: F401  (sets Django up)

from django.conf import settings
from django.db import connection

from programs.models import Province
from surveys.models import SurveyResponse

PASSWORD = "Beban-Uji-2020-ikm"
# wrk prints its latency percentiles and error counts as one JSON line at the end.
WRK_REPORT = """
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status + summary.errors.timeout
  io.write(string.format('{"requests": %d, "seconds": %f, "p50": %f, "p95": %f, "errors": %d}\\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(95) / 1000, errors))
end
"""


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def ensure_wrk():
    if shutil.which("wrk"):
        return
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        sys.exit("wrk is not installed: install the Debian package 'wrk'.")
    subprocess.run(["apt-get", "update", "-qq"], check=True)
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, stdout=subprocess.DEVNULL)


def seed(responses):
    if SurveyResponse.objects.count() < responses:
        run_seed(responses=responses)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE surveys_surveyresponse")
            cursor.execute("VACUUM ANALYZE programs_business")


def accounts():
    jabar = Province.objects.get(code="32")
    users = {"staff": bench_user("beban.staf", "ministry-staff"), "officer": bench_user("beban.petugas", "officer", province=jabar)}
    for user in users.values():
        user.set_password(PASSWORD)
        user.save()
    return users


def start_gunicorn(port, workers):
    env = dict(os.environ)
    # Production posture over plain HTTP on loopback (no TLS proxy in front here).
    env.update(DEBUG="0", ALLOWED_HOSTS="127.0.0.1,localhost", SECURE_SSL_REDIRECT="0", SESSION_COOKIE_SECURE="0",
               CSRF_COOKIE_SECURE="0", SECURE_HSTS_SECONDS="0", LOG_LEVEL="WARNING")
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    log = open(os.path.join(tempfile.gettempdir(), f"ikm-load-gunicorn-{port}.log"), "w")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "ikm_portal.wsgi", "-b", f"127.0.0.1:{port}", "-w", str(workers), "--timeout", "60", "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=2)
            break
        except OSError as error:
            if getattr(error, "code", None) == 503:
                break
            time.sleep(0.2)
    return server, base


def sign_in(base, username):
    """A session cookie, through the sign-in form as a browser gets it."""
    import http.cookiejar

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/accounts/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD}).encode()
    request = urllib.request.Request(base + "/accounts/login/", data=data, headers={"Referer": base + "/accounts/login/"})
    opener.open(request).read()
    cookies = {cookie.name: cookie.value for cookie in jar}
    assert "sessionid" in cookies, f"{username} could not sign in"
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def load(base, path, *, cookie, clients, seconds):
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_REPORT)
    command = ["wrk", "-t", str(min(clients, 2)), "-c", str(clients), "-d", f"{seconds}s", "-s", script.name, "--timeout", "10s"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run([*command, base + path], capture_output=True, text=True, check=True).stdout
    figures = json.loads(output.strip().splitlines()[-1])
    os.unlink(script.name)
    return figures


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--responses", type=int, default=1_000_000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    ensure_wrk()
    seed(args.responses)
    users = accounts()
    wave = SurveyResponse.objects.order_by("-wave__reported_month").values_list("wave__code", flat=True).first()
    connection.close()
    server, base = start_gunicorn(free_port(), args.workers)
    try:
        cookies = {"public": None, "staff": sign_in(base, users["staff"].username), "officer": sign_in(base, users["officer"].username)}
        pages = [
            ("public landing page /", "public", "/", 500),
            ("public impact page /impact/", "public", "/impact/", 500),
            ("public province page /impact/provinces/32/", "public", "/impact/provinces/32/", 500),
            (f"public impact page, wave {wave} filtered by sector", "public", f"/impact/?wave={wave}&sector=food-beverages", 500),
            ("staff home /", "staff", "/", 50),
            ("officer home /", "officer", "/", 50),
        ]
        print(f"gunicorn {args.workers} workers, wrk {args.clients} connections x {args.seconds} s per page, "
              f"{SurveyResponse.objects.count():,} survey responses, Redis cache {'on' if settings.REDIS_URL else 'off'}")
        for label, who, path, target in pages:
            load(base, path, cookie=cookies[who], clients=args.clients, seconds=2)  # warm-up (fills the cache)
            figures = load(base, path, cookie=cookies[who], clients=args.clients, seconds=args.seconds)
            rate = figures["requests"] / figures["seconds"]
            verdict = "OK" if rate >= target and figures["errors"] == 0 else f"UNDER TARGET ({target}/s, no errors)"
            print(f"{label:<52} {rate:8.1f} requests/s   p50 {figures['p50']:7.1f} ms   p95 {figures['p95']:7.1f} ms   errors {figures['errors']}   {verdict}")
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    import urllib.parse  # noqa: F401  (sign_in)

    main()

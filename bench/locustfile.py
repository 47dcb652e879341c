"""Load test: cadres log in, open their task list and their mothers, and record consultations.

Run by bench/bench_load.py (which sets up the database, the users and the server); by hand:

    LAKTASI_BENCH_USERS=bench-kader- locust -f bench/locustfile.py --headless \
        -u 50 -r 10 -t 3m --host http://127.0.0.1:PORT

Only ever against 127.0.0.1: the host is checked below.
"""

from __future__ import annotations

import itertools
import os
import random
import re
from urllib.parse import urlparse

from locust import HttpUser, between, events, task

PASSWORD = os.environ.get("LAKTASI_BENCH_PASSWORD", "bench-password-123")
PREFIX = os.environ.get("LAKTASI_BENCH_USERS", "bench-kader-")
COUNTER = itertools.count(1)
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
MOTHER_LINK = re.compile(r'href="/ibu/(\d+)/"')


@events.test_start.add_listener
def _only_loopback(environment, **kwargs):
    host = urlparse(environment.host or "").hostname
    if host not in {"127.0.0.1", "localhost", "::1"}:
        raise SystemExit(f"refusing to load-test {host!r}: only 127.0.0.1 is allowed")


# A cadre reads each page and types between requests: 5-15 s of "think time" by default.
WAIT = [float(x) for x in os.environ.get("LAKTASI_BENCH_WAIT", "5,15").split(",")]


class Cadre(HttpUser):
    wait_time = between(*WAIT)

    def on_start(self):
        self.username = f"{PREFIX}{next(COUNTER):02d}"
        page = self.client.get("/masuk/", name="login form")
        token = CSRF.search(page.text).group(1)
        response = self.client.post(
            "/masuk/",
            {"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": token},
            name="login",
        )
        if "/masuk/" in response.url:
            response.failure("login failed")
        mothers = self.client.get("/ibu/", name="mother list")
        self.mothers = sorted(set(MOTHER_LINK.findall(mothers.text))) or ["1"]

    @task(4)
    def task_list(self):
        self.client.get("/kunjungan/tugas/", name="task list")

    @task(2)
    def home(self):
        self.client.get("/", name="home")

    @task(4)
    def mother_page(self):
        self.client.get(f"/ibu/{random.choice(self.mothers)}/", name="mother page")

    @task(2)
    def record_consultation(self):
        mother = random.choice(self.mothers)
        url = f"/program/ibu/{mother}/konsultasi/"
        form = self.client.get(url, name="consultation form")
        data = dict(HIDDEN.findall(form.text))
        data.update(
            {
                "question": "ASI terasa sedikit pada malam hari",
                "advice": "Susui lebih sering, pijat oksitosin oleh suami sebelum menyusui",
            }
        )
        with self.client.post(url, data, name="record consultation", catch_response=True) as r:
            if "/program/konsultasi/" not in r.url:
                r.failure("consultation not saved")

"""Accessibility audit: axe-core (bundled by axe-playwright-python, no CDN) in Debian Chromium
over every page every role reaches from its home page, with the demo's data, at 360 and
1280 px, in Indonesian and in English (the language cookie the language switch sets).

Roles log in through the real login page (the administrator and the coordinator with their
TOTP code); one logged-in context per role is reused for both languages and both widths. The
public pages (login, an answer link's form and the group page) are audited too. Serious and
critical violations fail the test; the figures are printed at the end of the run
(tests/conftest.py ``pytest_terminal_summary``) and written to var/test-artifacts/.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Error as PlaywrightError

from laktasi.accounts.demo import demo_totp_code, demo_totp_provision
from laktasi.accounts.models import User
from laktasi.demo.loader import DEMO_PASSWORD, PROGRAM_TITLE, demo_load
from laktasi.demo.past import demo_past_programs_load
from laktasi.links import tokens
from laktasi.links.services import answer_links_issue, group_link_get_or_create
from laktasi.mothers.models import Mother
from laktasi.programs.models import Program
from tests.a11y.crawl import Frontier, form_result, is_file, links_of, page_key, url_name
from tests.browser import ARTIFACTS, DESKTOP, PHONE, settle

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

ROLES = {
    "admin": "demo-admin",
    "coordinator": "demo-koordinator",
    "bidan": "demo-bidan",
    "kader": "demo-kader",
    "viewer": "demo-viewer",
}
# The first combination is the crawl's; the others audit the pages the crawl found.
COMBINATIONS = [("id", PHONE), ("id", DESKTOP), ("en", PHONE), ("en", DESKTOP)]
BLOCKING = {"serious", "critical"}
# In the other three combinations a page already audited for another role is not audited again,
# except these, which change most with the role.
PER_ROLE = {"home", "followups:tasks", "dashboards:index", "programs:list", "mothers:list"}
MAX_PAGES_PER_ROLE = 90  # a runaway crawl fails instead of running for ever
AXE = Axe()
AXE_OPTIONS = {
    "resultTypes": ["violations"],
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    },
}


@dataclass
class Audit:
    pages: int = 0
    views: set = field(default_factory=set)
    violations: list = field(default_factory=list)

    def run(self, page, *, who: str, lang: str, width: int) -> None:
        # As tests/browser.py shot(): the window stretched to the page's height, so the sticky
        # "Save" bar sits below the content instead of over whichever field is at the bottom
        # edge at the moment (a reader scrolls past it; axe would count that field obscured).
        size = page.viewport_size
        height = page.evaluate("document.documentElement.scrollHeight")
        page.set_viewport_size({"width": size["width"], "height": max(height, size["height"])})
        result = AXE.run(page, options=AXE_OPTIONS).response
        page.set_viewport_size(size)
        self.pages += 1
        self.views.add(url_name(urlsplit(page.url).path))
        for violation in result["violations"]:
            node = violation["nodes"][0]
            self.violations.append(
                {
                    "rule": violation["id"],
                    "impact": violation["impact"],
                    "nodes": len(violation["nodes"]),
                    "page": urlsplit(page.url).path
                    + (f"?{urlsplit(page.url).query}" if urlsplit(page.url).query else ""),
                    "who": who,
                    "lang": lang,
                    "width": width,
                    "target": node["target"],
                    "html": node["html"][:160],
                    "summary": node.get("failureSummary", "")[:300],
                }
            )

    def figures(self) -> dict:
        by_impact = Counter()
        rules = {}
        for v in self.violations:
            by_impact[v["impact"]] += 1
            rules.setdefault((v["rule"], v["impact"]), set()).add(v["page"].split("?")[0])
        return {
            "pages_audited": self.pages,
            "views": len(self.views),
            "violations_by_impact": dict(sorted(by_impact.items())),
            "rules": [
                {"rule": rule, "impact": impact, "pages": len(pages)}
                for (rule, impact), pages in sorted(rules.items())
            ],
        }


def _demo_world() -> None:
    demo_load()
    demo_past_programs_load()
    for user in User.objects.filter(is_demo=True, role__in=django_settings.TWO_FACTOR_ROLES):
        demo_totp_provision(user=user)


def _public_paths() -> list[str]:
    """An answer link's form and the room's group page, valid for a day from now."""
    program = Program.objects.get(title=PROGRAM_TITLE)
    session = program.sessions.order_by("starts_at").first()
    mothers = list(Mother.objects.filter(restricted=False))  # Mawar's mothers answered nothing
    paths = []
    tomorrow = timezone.now() + timezone.timedelta(days=1)
    for instrument_id in ("knowledge_test", "breastfeeding_confidence", "family_support"):
        for timepoint in ("pre", "post"):
            issued = answer_links_issue(
                session=session,
                mothers=mothers,
                instrument_id=instrument_id,
                timepoint=timepoint,
                by=User.objects.get(username="demo-bidan"),
            )
            if issued.links:
                link = issued.links[0]
                link.expires_at = tomorrow
                link.save(update_fields=["expires_at"])
                paths.append(reverse("answer:form", args=[tokens.token_for(link.salt)]))
                group = group_link_get_or_create(
                    session=session, instrument_id=instrument_id, timepoint=timepoint
                )
                group.expires_at = tomorrow
                group.save(update_fields=["expires_at"])
                paths.append(reverse("answer:group", args=[tokens.token_for(group.salt)]))
                return paths
    return paths


def _goto_page(page, url: str) -> bool:
    """Open ``url``; False when it is not an HTML page (a file download, an error)."""
    try:
        response = page.goto(url, wait_until="load")
    except PlaywrightError as error:  # a download, or a redirect out of the app (WhatsApp)
        if "Download" in str(error) or "net::ERR_" in str(error):
            return False
        raise
    if response is None or response.status != 200:
        return False
    return "text/html" in response.headers.get("content-type", "")


def _login(page, base: str, username: str, audit: Audit) -> None:
    page.goto(f"{base}/masuk/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(lambda url: "/masuk/" not in url, wait_until="load")
    if "/otp/" in page.url or "verifikasi" in page.url or page.locator("input[name=token]").count():
        audit.run(page, who=username, lang="id", width=PHONE["width"])
        page.fill("input[name=token]", demo_totp_code(user=User.objects.get(username=username)))
        page.click("main form button[type=submit]")
        page.wait_for_url(lambda url: "otp" not in url and "verif" not in url, wait_until="load")


def _crawl(page, base: str, who: str, audit: Audit) -> list[str]:
    frontier = Frontier(["/"])
    pages = []
    while (path := frontier.next()) is not None:
        assert len(pages) < MAX_PAGES_PER_ROLE, f"{who}: more than {MAX_PAGES_PER_ROLE} pages"
        if is_file(path) or not _goto_page(page, base + path.format(lang="id")):
            continue
        pages.append(path)
        audit.run(page, who=who, lang="id", width=PHONE["width"])
        frontier.add(links_of(page.content()))
        if extra := form_result(path):
            frontier.add([extra])
    return pages


def _not_yet_audited(paths: list[str], done: set) -> list[str]:
    """The paths whose page was not audited yet in this language and width by another role
    (pages that differ most by role, like the home page, are audited for each)."""
    todo = []
    for path in paths:
        key = page_key(path)
        if key[0] in PER_ROLE or key not in done:
            done.add(key)
            todo.append(path)
    return todo


def _set_language(context, base: str, lang: str) -> None:
    context.add_cookies(
        [{"name": django_settings.LANGUAGE_COOKIE_NAME, "value": lang, "url": base}]
    )


def test_every_page_of_every_role_passes_axe_without_serious_violations(
    live_server, browser, settings, record_property
):
    settings.TWO_FACTOR_REQUIRED = True
    _demo_world()
    base = live_server.url
    audit = Audit()
    public = [reverse("login"), *_public_paths()]
    crawled, done = {}, {combination: set() for combination in range(len(COMBINATIONS))}
    for who, username in {"anonymous": None, **ROLES}.items():
        context = browser.new_context(viewport=PHONE, locale="id-ID")
        page = context.new_page()
        page.set_default_timeout(30000)
        if username is None:
            paths = public
        else:
            _login(page, base, username, audit)
            paths = _crawl(page, base, who, audit)
        crawled[who] = paths
        for combination, (lang, viewport) in enumerate(COMBINATIONS):
            if combination == 0 and username is not None:
                continue  # audited by the crawl
            _set_language(context, base, lang)
            page.set_viewport_size(viewport)
            for path in _not_yet_audited(paths, done[combination]):
                if _goto_page(page, base + path.format(lang=lang)):
                    audit.run(page, who=who, lang=lang, width=viewport["width"])
        settle(page)  # the field roles' background sync, before the next role
        context.close()

    figures = audit.figures()
    figures["pages_per_role"] = {who: len(paths) for who, paths in crawled.items()}
    record_property("a11y_audit", json.dumps(figures))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "a11y-audit.json").write_text(
        json.dumps({"figures": figures, "violations": audit.violations}, indent=1)
    )
    blocking = [v for v in audit.violations if v["impact"] in BLOCKING]
    assert blocking == [], json.dumps(blocking[:15], indent=1)
    # not vacuous: every role reached its pages
    assert all(len(paths) >= 2 for paths in crawled.values()), figures["pages_per_role"]

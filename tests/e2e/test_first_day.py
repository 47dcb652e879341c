"""A puskesmas's first day in the browser, from an empty database (only the Kemendagri
regions): the first administrator accepts the link ``laktasi setup invite`` printed and enrols
his authenticator; he creates a puskesmas and two posyandu by village, invites a bidan and a
kader (each accepts in her own browser; the bidan enrols a device, as in production), moves the
kader and sees the checklist; the bidan starts the program from the template and registers a
mother. Screenshots of the setup pages at 360 px go to var/test-artifacts/firstday-*.png.
"""

from __future__ import annotations

import base64
import re
from io import StringIO
from urllib.parse import urlparse

import pytest
from django.core.management import call_command
from django_otp.oath import TOTP

from laktasi.accounts.models import SecurityAction, SecurityEvent, User
from laktasi.mothers.models import Mother
from laktasi.places.models import Facility
from laktasi.programs.models import Program
from tests.browser import shot
from tests.conftest import make_regions

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "hari-pertama-2026"


def totp_now(secret_b32: str) -> str:
    key = base64.b32decode(secret_b32 + "=" * (-len(secret_b32) % 8))
    return f"{TOTP(key).token():06d}"


def accept(page, path: str, base: str, username: str, name: str, shot_name: str = "") -> None:
    """Open the invitation link, choose a password and, when asked, enrol the authenticator."""
    page.goto(base + path)
    page.fill("#id_username", username)
    page.fill("#id_first_name", name)
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    if page.locator("code.secret").count():
        page.fill("#id_totp_code", totp_now(page.inner_text("code.secret").strip()))
    if shot_name:
        shot(page, shot_name)
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{base}/")


def add_facility(page, base, kind, name, village_text, code, puskesmas=None, another=False):
    page.goto(f"{base}/pengaturan/fasilitas/baru/")
    page.check(f'input[name="kind"][value="{kind}"]')
    page.fill("#id_name", name)
    village = page.locator("#id_village")
    village.fill(village_text)  # htmx fills the Kemendagri suggestions
    page.wait_for_selector(f'#village-options option[value="{code}"]', state="attached")
    village.fill(code)
    if puskesmas is not None:
        page.select_option("#id_puskesmas", str(puskesmas.pk))
    return page


def save_facility(page, base):
    page.click("main form button.primary")
    page.wait_for_url(f"{base}/pengaturan/")


def invite(page, base, role: str, facility: Facility) -> str:
    page.goto(f"{base}/akun/undangan/")
    page.select_option("#id_role", role)
    page.select_option("#id_facility", str(facility.pk))
    page.click("main form.card button.primary")
    page.wait_for_selector("#invitation-link code.token-value")
    return urlparse(page.inner_text("#invitation-link code.token-value").strip()).path


def test_first_day_from_an_empty_database(live_server, new_page, settings):
    settings.TWO_FACTOR_REQUIRED = True
    settings.TWO_FACTOR_ROLES = ["admin", "coordinator", "bidan"]  # as in production
    settings.VAR_DIR = settings.VAR_DIR / "test-first-day"  # no backup there: step stays open
    make_regions()
    base = live_server.url
    assert not User.objects.exists()
    assert not Facility.objects.exists()

    # The first administrator: a link from the command line, a password, an authenticator.
    out = StringIO()
    call_command("setup", "invite", "--role", "admin", stdout=out, stderr=StringIO())
    admin_page = new_page()
    accept(admin_page, urlparse(out.getvalue().strip()).path, base, "admin-jenu", "Admin",
           "firstday-01-accept-admin-360")  # fmt: skip
    expect_checklist = admin_page.locator("#setup-checklist li.todo")
    assert expect_checklist.count() == 5
    shot(admin_page, "firstday-02-admin-home-checklist-360")

    # A puskesmas and two posyandu, chosen by village from the Kemendagri list.
    add_facility(admin_page, base, "puskesmas", "Puskesmas Jenu", "Jenu", "35.23.12.2016")
    shot(admin_page, "firstday-03-facility-form-360")
    save_facility(admin_page, base)
    puskesmas = Facility.objects.get(name="Puskesmas Jenu")
    add_facility(admin_page, base, "posyandu", "Posyandu Melati", "Tasik", "35.23.12.2005",
                 puskesmas)  # fmt: skip
    save_facility(admin_page, base)
    add_facility(admin_page, base, "posyandu", "Posyandu Mawar", "Jenu", "35.23.12.2016",
                 puskesmas)  # fmt: skip
    save_facility(admin_page, base)
    melati, mawar = (
        Facility.objects.get(name="Posyandu Melati"),
        Facility.objects.get(name="Posyandu Mawar"),
    )
    assert {melati.puskesmas_id, mawar.puskesmas_id} == {puskesmas.pk}
    shot(admin_page, "firstday-04-setup-index-360")

    # Invitations: a bidan for the puskesmas, a kader for Posyandu Melati.
    bidan_link = invite(admin_page, base, "bidan", puskesmas)
    shot(admin_page, "firstday-05-invitation-issued-360")
    # The printed card: the QR code and the instructions, without the menu or the forms.
    admin_page.emulate_media(media="print")
    assert admin_page.locator("#invitation-link .qr svg").is_visible()
    assert not admin_page.locator("#invitation-link form").is_visible()
    assert not admin_page.locator("header.topbar").is_visible()
    assert admin_page.locator("#invitation-link p.print-only").last.is_visible()
    shot(admin_page, "firstday-05b-invitation-print-card-360")
    admin_page.emulate_media(media="screen")
    kader_link = invite(admin_page, base, "kader", melati)

    bidan_page, kader_page = new_page(), new_page()
    accept(bidan_page, bidan_link, base, "bidan-sari", "Sari", "firstday-06-accept-bidan-360")
    accept(kader_page, kader_link, base, "kader-melati", "Melati")
    bidan, kader = (
        User.objects.get(username="bidan-sari"),
        User.objects.get(username="kader-melati"),
    )
    assert bidan.totpdevice_set.filter(confirmed=True).exists()
    assert list(kader.facilities.all()) == [melati]

    # The bidan starts the program from the template, then registers a mother.
    bidan_page.click('a[href="/pengaturan/program/baru/"]')
    bidan_page.wait_for_url(re.compile(r".*/pengaturan/program/baru/$"))
    bidan_page.select_option("#id_facility", str(melati.pk))
    bidan_page.fill("#id_session_time", "09:00")
    bidan_page.fill("#id_venue", "Posyandu Melati, Desa Tasikharjo")
    shot(bidan_page, "firstday-07-program-from-template-360")
    bidan_page.click("main form.card button.primary")
    bidan_page.wait_for_url(re.compile(r".*/program/\d+/$"))
    program = Program.objects.get()
    assert program.title == "Kelas ASI eksklusif dengan pijat oksitosin dan Marmet"
    assert program.sessions.get().agenda_items.count() == 9
    shot(bidan_page, "firstday-08-program-detail-360")
    bidan_page.click(f'a[href="/program/{program.pk}/daftar-ibu/"]')
    bidan_page.wait_for_url(re.compile(r".*/daftar-ibu/$"))
    bidan_page.fill("#id_full_name", "Nur Aini")
    bidan_page.fill("#id_birth_date", "14/02/1998")
    bidan_page.fill("#id_village", "35.23.12.2005")
    bidan_page.select_option("#id_facility", str(melati.pk))
    bidan_page.fill("#id_baby-birth_date", "25/11/2026")
    bidan_page.check('input[name="baby-sex"][value="F"]')
    bidan_page.fill("#id_baby-birth_weight_g", "3100")
    bidan_page.fill("#id_companion-name", "Ahmad")
    bidan_page.check("#id_consent")
    bidan_page.click(".sticky-save button[type=submit]")
    bidan_page.wait_for_url(re.compile(r".*/ibu/\d+/$"))
    mother = Mother.objects.get(full_name="Nur Aini")
    assert program.enrollments.filter(mother=mother).exists()

    # The kader's home starts with today; her new mother is hers.
    kader_page.goto(f"{base}/")
    kader_page.wait_for_selector("#today")
    assert kader_page.locator("#my-mothers").inner_text().count("Nur Aini") == 1
    shot(kader_page, "firstday-09-kader-home-today-360")

    # The administrator moves the kader to Mawar (logged); the checklist shows what is left.
    admin_page.goto(f"{base}/pengaturan/staf/")
    shot(admin_page, "firstday-10-staff-360")
    admin_page.click(f'a[href="/pengaturan/staf/{kader.pk}/pindah/"]')
    admin_page.select_option("#id_posyandu", str(mawar.pk))
    shot(admin_page, "firstday-11-staff-move-360")
    admin_page.click("main form.card button.primary")
    admin_page.wait_for_url(f"{base}/pengaturan/staf/")
    assert list(kader.facilities.all()) == [mawar]
    assert SecurityEvent.objects.filter(action=SecurityAction.STAFF_MOVED, user=kader).exists()
    admin_page.goto(f"{base}/")
    todo = admin_page.locator("#setup-checklist li.todo")
    assert todo.count() == 1
    assert todo.get_attribute("data-step") == "backup"
    shot(admin_page, "firstday-12-admin-home-checklist-done-360")

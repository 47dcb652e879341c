"""laktasi satusehat sync against the local SATUSEHAT double (tests/satusehat/double.py)."""

from __future__ import annotations

import fcntl
import json
from collections import Counter
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from laktasi.privacy.services import mother_erase
from laktasi.satusehat.models import IhsNumber, OutboundRecord, RecordState
from laktasi.satusehat.services import lock_path
from tests.satusehat.conftest import SECRET

FACILITY = "Jenu"  # the test world's puskesmas, by its exact name


def run(*args: str) -> str:
    out, err = StringIO(), StringIO()
    call_command("satusehat", *args, "--lang", "en", stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


def status() -> dict:
    return json.loads(run("status", "--facility", FACILITY, "--json"))


def encounter_ids(double) -> list[str]:
    return sorted(e["identifier"][0]["value"] for e in double.held("Encounter"))


def fhir_writes(double) -> list[str]:
    return [path for path in double.writes() if not path.startswith("/oauth2")]


def test_sync_sends_every_health_worker_contact_once(sending):
    output = run("sync", "--facility", FACILITY)
    double = sending.double
    assert "6 sent, 0 updated, 0 rejected, 0 left queued" in output
    assert len(double.held("Encounter")) == 6
    assert len(double.held("Procedure")) == 6
    assert len(double.held("Observation")) == 1
    counts = status()
    assert {k: counts[k] for k in ("sent", "queued", "rejected", "waiting_ihs", "held")} == {
        "sent": 6,
        "queued": 0,
        "rejected": 0,
        "waiting_ihs": 1,
        "held": 3,
    }
    assert counts["rejections"] == []
    # bundles of at most 3 contacts (SATUSEHAT_BUNDLE_CONTACTS in the tests): 6 contacts, 2 POSTs
    assert len(fhir_writes(double)) == 2

    writes_before = list(double.writes())
    again = run("sync", "--facility", FACILITY)
    assert "0 sent, 0 updated" in again
    assert double.writes() == writes_before  # nothing sent twice, not even the token


def test_encounters_are_in_satusehat_shape(sending):
    run("sync", "--facility", FACILITY)
    double = sending.double
    by_id = {e["identifier"][0]["value"]: e for e in double.held("Encounter")}
    attendance = by_id[f"laktasi-attendance-{sending.session.attendance.order_by('pk').first().pk}"]
    assert attendance["identifier"][0]["system"] == "http://sys-ids.kemkes.go.id/encounter/10000004"
    assert attendance["status"] == "finished"
    assert attendance["class"]["code"] == "AMB"
    assert attendance["subject"] == {"reference": "Patient/P02478375538"}
    assert attendance["participant"][0]["individual"] == {"reference": "Practitioner/10009880728"}
    # 09:00 WIB for 75 minutes of agenda, in UTC
    assert attendance["period"] == {
        "start": "2025-01-25T02:00:00+00:00",
        "end": "2025-01-25T03:15:00+00:00",
    }
    assert [h["status"] for h in attendance["statusHistory"]] == [
        "arrived",
        "in-progress",
        "finished",
    ]
    assert attendance["serviceProvider"] == {"reference": "Organization/10000004"}
    assert attendance["location"][0]["location"]["reference"].startswith("Location/b017aa54")
    home = by_id[f"laktasi-visit-{sending.visits['weighed'].pk}"]
    assert home["class"]["code"] == "HH"
    procedures = double.held("Procedure")
    assert {p["code"]["coding"][0]["code"] for p in procedures} == {"ED000009"}
    assert procedures[0]["code"]["coding"][0]["system"] == (
        "http://terminology.kemkes.go.id/CodeSystem/clinical-term"
    )
    assert all(p["encounter"]["reference"].startswith("Encounter/") for p in procedures)
    weight = double.held("Observation")[0]
    assert weight["code"]["coding"][0]["code"] == "29463-7"
    assert weight["subject"] == {"reference": "Patient/P01836748436"}  # the baby, via nik-ibu
    assert weight["valueQuantity"]["value"] == 3350
    assert weight["encounter"] == {"reference": f"Encounter/{home['id']}"}
    sent = json.dumps(double.store)
    for local in ("urn:laktasi", "Group", "Questionnaire", "Consent", "urn:uuid"):
        assert local not in sent


def test_cadre_phone_and_restricted_contacts_are_held_and_listed(sending):
    run("sync", "--facility", FACILITY)
    held = {row["record"]: row["reason"] for row in status()["held_records"]}
    kader = f"visit {sending.visits['kader'].pk} ({sending.mothers['siti'].identifier})"
    assert "cadre" in held[kader]
    phone = f"visit {sending.visits['phone'].pk} ({sending.mothers['siti'].identifier})"
    assert "phone" in held[phone]
    restricted = [r for r in held.values() if "restricted" in r]
    assert len(restricted) == 1
    sent_mothers = {e["subject"]["reference"] for e in sending.double.held("Encounter")}
    assert "Patient/P00805884304" not in sent_mothers  # the restricted mother's IHS


def test_mother_without_nik_waits_with_the_reason(sending):
    run("sync", "--facility", FACILITY)
    waiting = status()["waiting"]
    assert waiting == [
        {
            "record": f"visit {sending.visits['dewi'].pk} ({sending.mothers['dewi'].identifier})",
            "reason": "mother: no NIK recorded",
        }
    ]


def test_person_not_on_the_index_waits_and_is_asked_once(sending):
    sending.double.patients = [
        p for p in sending.double.patients if p["id"] != "P03647103112"
    ]  # Ani is not (yet) on the Master Patient Index
    run("sync", "--facility", FACILITY)
    reasons = {row["reason"] for row in status()["waiting"]}
    assert "mother: not found on SATUSEHAT" in reasons
    assert len(status()["waiting"]) == 4  # Ani's attendance, consultation, visit + Dewi
    gets = [p for m, p in sending.double.log if m == "GET" and "3523120202960002" in p]
    assert len(gets) == 1
    run("sync", "--facility", FACILITY)
    gets = [p for m, p in sending.double.log if m == "GET" and "3523120202960002" in p]
    assert len(gets) == 1  # asked once; again only after SATUSEHAT_RECHECK_HOURS
    assert IhsNumber.objects.filter(ihs="").count() == 1
    assert "3523120202960002" not in json.dumps(list(IhsNumber.objects.values()), default=str)


def test_changed_record_is_updated_not_duplicated(sending):
    run("sync", "--facility", FACILITY)
    visit = sending.visits["weighed"]
    visit.weight_g = 3400
    visit.save()
    output = run("sync", "--facility", FACILITY)
    assert "0 sent, 1 updated" in output
    double = sending.double
    assert len(double.held("Observation")) == 1
    assert double.held("Observation")[0]["valueQuantity"]["value"] == 3400
    assert len(double.held("Encounter")) == 6
    assert any(m == "POST" for m, p in double.log[-1:])  # one transaction bundle of PUTs


def test_expired_token_is_renewed_and_a_valid_one_reused(sending):
    run("sync", "--facility", FACILITY)
    tokens = [p for m, p in sending.double.log if p.startswith("/oauth2")]
    assert len(tokens) == 1  # one token for every lookup and bundle
    for token in sending.double.tokens:
        sending.double.tokens[token] = 0  # the server expires it early
    visit = sending.visits["posyandu"]
    visit.done_on = visit.done_on.replace(day=11)
    visit.save()
    assert "1 updated" in run("sync", "--facility", FACILITY)
    tokens = [p for m, p in sending.double.log if p.startswith("/oauth2")]
    assert len(tokens) == 2


@pytest.mark.parametrize("fault", ["503", "drop", "slow"])
def test_faults_then_recovery_give_the_same_set_without_duplicates(sending, fault, settings):
    double = sending.double
    double.slow_seconds = 1.5  # longer than SATUSEHAT_TIMEOUT (1 s) in the tests
    double.fault, double.fault_count = fault, 3  # every retry of the first bundle fails
    with pytest.raises(CommandError, match="did not finish"):
        run("sync", "--facility", FACILITY)
    assert status()["queued"] > 0
    double.fault, double.fault_count = "", 0
    output = run("sync", "--facility", FACILITY)
    assert "0 left queued" in output
    identifiers = encounter_ids(double)
    assert len(identifiers) == 6 == len(set(identifiers))
    procedures = [p["identifier"][0]["value"] for p in double.held("Procedure")]
    assert len(procedures) == 6 == len(set(procedures))
    assert status()["sent"] == 6


def test_an_answer_lost_once_is_recovered_in_the_same_run(sending):
    double = sending.double
    double.fault, double.fault_count = "drop", 1  # applied, but the answer never came
    output = run("sync", "--facility", FACILITY)
    assert "0 left queued" in output
    identifiers = encounter_ids(double)
    assert len(identifiers) == 6 == len(set(identifiers))
    assert status()["sent"] == 6


def test_rejection_is_kept_with_the_servers_message_and_the_rest_is_sent(sending):
    double = sending.double
    double.reject_identifier = f"laktasi-visit-{sending.visits['ani'].pk}"
    output = run("sync", "--facility", FACILITY)
    assert "5 sent, 0 updated, 1 rejected" in output
    result = status()
    assert result["rejected"] == 1
    assert result["rejections"] == [
        {
            "record": f"visit {sending.visits['ani'].pk} ({sending.mothers['ani'].identifier})",
            "message": f"Bundle.entry[0]: Encounter {double.reject_identifier}: refused by the test",
        }
    ]
    human = run("status", "--facility", FACILITY)
    assert "refused by the test" in human
    # unchanged, it is not sent again; changed, it is
    writes = len(double.writes())
    run("sync", "--facility", FACILITY)
    assert len(double.writes()) == writes
    double.reject_identifier = ""
    visit = sending.visits["ani"]
    visit.weight_g = 3300
    visit.save()
    sending.double.add_patient(
        "P09", nik_ibu="3523120202960002", birthDate="2025-01-10", gender="female"
    )
    assert "1 sent" in run("sync", "--facility", FACILITY)


def test_wrong_credentials_name_the_facility_and_never_show_the_secret(sending, capsys):
    sending.double.clients["laktasi-client"] = "another-secret"
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError) as raised:
        call_command(
            "satusehat", "sync", "--facility", FACILITY, "--lang", "en", stdout=out, stderr=err
        )
    text = str(raised.value) + out.getvalue() + err.getvalue() + "".join(capsys.readouterr())
    assert "refused the client credentials of Jenu" in text
    assert SECRET not in text
    assert fhir_writes(sending.double) == []


def test_dry_run_looks_up_writes_the_bundles_and_posts_nothing(sending, tmp_path):
    out = tmp_path / "out.json"
    output = run("sync", "--facility", FACILITY, "--dry-run", "-o", str(out))
    assert "6 contact(s) would be sent in 2 bundle(s)" in output
    assert fhir_writes(sending.double) == []
    assert any(m == "GET" and "Patient" in p for m, p in sending.double.log)
    bundles = json.loads(out.read_text())
    assert [b["type"] for b in bundles] == ["transaction", "transaction"]
    kinds = Counter(e["resource"]["resourceType"] for b in bundles for e in b["entry"])
    assert kinds == {"Encounter": 6, "Procedure": 6, "Observation": 1}
    assert OutboundRecord.objects.filter(state=RecordState.SENT).count() == 0


def test_client_secret_is_encrypted_at_rest(sending):
    with connection.cursor() as cursor:
        cursor.execute("SELECT client_secret FROM satusehat_facilitylink")
        (raw,) = cursor.fetchone()
    assert raw
    assert SECRET not in raw
    sending.link.refresh_from_db()
    assert sending.link.client_secret == SECRET


def test_unreachable_server_leaves_everything_queued_with_a_clear_error(sending):
    sending.link.base_url = "http://127.0.0.1:9"  # nothing listens there
    sending.link.save()
    with pytest.raises(CommandError, match="did not finish: connection failed"):
        run("sync", "--facility", FACILITY)
    assert OutboundRecord.objects.filter(state=RecordState.SENT).count() == 0


def test_erasing_a_mother_erases_her_lookups_and_she_is_never_sent_again(sending):
    run("sync", "--facility", FACILITY)
    siti = sending.mothers["siti"]
    assert IhsNumber.objects.filter(kind="patient", ihs="P02478375538").exists()
    mother_erase(mother=siti, by=None, channel="cli")
    assert not IhsNumber.objects.filter(ihs__in=["P02478375538", "P01836748436"]).exists()
    writes = len(sending.double.writes())
    output = run("sync", "--facility", FACILITY)
    assert "0 sent, 0 updated" in output
    assert len(sending.double.writes()) == writes


def test_a_second_sync_of_the_same_facility_waits_for_the_first(sending, settings):
    lock = lock_path(sending.world.puskesmas)
    with lock.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)  # a sync already running
        with pytest.raises(CommandError, match="Another SATUSEHAT sync of Jenu is running"):
            run("sync", "--facility", FACILITY)
        fcntl.flock(handle, fcntl.LOCK_UN)
    assert fhir_writes(sending.double) == []
    assert "6 sent" in run("sync", "--facility", FACILITY)

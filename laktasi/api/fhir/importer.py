"""Read a Bundle written by :mod:`laktasi.api.fhir.export` back into laktasi.

A Bundle is input from outside, so it is trusted for nothing but its data:

- it is validated (``fhir.resources``) before anything is read; ``dry_run`` rolls back;
- the operator names the **target facility** (and optionally the **target program**); the
  import's scope is that facility's network (a puskesmas and its posyandu). Facilities and
  mothers are matched only inside it (facility kind + village + name; laktasi identifier);
  a mother whose identifier exists outside it stops the import. Organizations that match
  nothing in the scope become the target facility; none is created;
- Regions are never created: an unknown village code stops the import (``load_regions``);
- an existing mother's consent is never created or changed from a Bundle (a forged "permit"
  cannot give back a consent she withdrew); consents are read only for new mothers;
- nothing is added about a mother who restricted processing or withdrew consent.

What exists already is kept as it is, what is missing is created, so importing the same
Bundle twice adds nothing. Scores are recomputed with the one scoring module from the answers
and the program's rules. All or nothing.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.dateparse import parse_datetime

from laktasi.accounts import policy
from laktasi.api.fhir import codes
from laktasi.api.fhir.codes import cs, ext, sid
from laktasi.api.fhir.validation import validate_bundle
from laktasi.core.idempotency import submission_replay
from laktasi.followups.models import Visit
from laktasi.instruments import registry
from laktasi.instruments.models import Response
from laktasi.instruments.services import score_answers
from laktasi.mothers.models import Baby, Companion, Consent, Mother
from laktasi.mothers.services import baby_add, companion_add, mother_register
from laktasi.places.models import Facility, Region, RegionLevel
from laktasi.programs.models import AgendaItem, Attendance, Enrollment, Program, Session


class BundleImportError(ValueError):
    """The Bundle cannot be imported; nothing was written."""


def _exts(resource: dict, name: str) -> list:
    url = ext(name)
    out = []
    for e in resource.get("extension", []):
        if e.get("url") == url:
            out.append(next(v for k, v in e.items() if k.startswith("value")))
    return out


def _ext(resource: dict, name: str, default=None):
    found = _exts(resource, name)
    return found[0] if found else default


def _ident(resource: dict, kind: str) -> str | None:
    identifiers = resource.get("identifier", [])
    if isinstance(identifiers, dict):
        identifiers = [identifiers]
    system = kind if ":" in kind else sid(kind)
    return next((i["value"] for i in identifiers if i.get("system") == system), None)


def _coding(concept: dict, system: str) -> str | None:
    return next((c["code"] for c in concept.get("coding", []) if c.get("system") == system), None)


def _ref(value: dict | None) -> str | None:
    return (value or {}).get("reference")


def _dt(value: str) -> datetime:
    parsed = parse_datetime(value)
    if parsed is None:
        raise BundleImportError(f"bad dateTime {value!r}")
    return parsed


def network_ids(facility: Facility) -> set[int]:
    """The target facility and, for a puskesmas, its posyandu: the import's scope."""
    return set(
        Facility.objects.filter(Q(pk=facility.pk) | Q(puskesmas=facility)).values_list(
            "pk", flat=True
        )
    )


class Importer:
    def __init__(self, bundle: dict, *, facility: Facility, program: Program | None = None):
        if bundle.get("resourceType") != "Bundle":
            raise BundleImportError("not a FHIR Bundle")
        self.target = facility
        self.target_program = program
        self.scope = network_ids(facility)
        self.new_mothers: set[int] = set()
        self.by_url = {e["fullUrl"]: e["resource"] for e in bundle.get("entry", [])}
        self.by_type: dict[str, list[tuple[str, dict]]] = {}
        for url, res in self.by_url.items():
            self.by_type.setdefault(res["resourceType"], []).append((url, res))
        self.objects: dict[str, object] = {}
        self.counts: Counter = Counter()

    def _created(self, kind: str, created: bool) -> None:
        self.counts[f"{kind}_{'created' if created else 'existing'}"] += 1

    # -- places
    def region(self, address: dict) -> Region:
        admin = next(e for e in address.get("extension", []) if e["url"] == codes.ADMIN_CODE_URL)
        parts = {e["url"]: e["valueCode"] for e in admin["extension"]}
        raw = [parts["province"], parts["city"], parts["district"], parts["village"]]
        dotted = [raw[0], f"{raw[1][:2]}.{raw[1][2:]}", f"{raw[2][:2]}.{raw[2][2:4]}.{raw[2][4:]}",
                  f"{raw[3][:2]}.{raw[3][2:4]}.{raw[3][4:6]}.{raw[3][6:]}"]  # fmt: skip
        # Only the code is read: names come from laktasi's reference data, never a Bundle.
        region = Region.objects.filter(code=dotted[-1]).first()
        if region is None:
            raise BundleImportError(
                f"unknown village code {dotted[-1]}: load the regions first (laktasi load_regions)"
            )
        if region.level != RegionLevel.VILLAGE:
            raise BundleImportError(f"{dotted[-1]} is not a village code")
        return region

    def organizations(self) -> None:
        pending = list(self.by_type.get("Organization", []))
        while pending:
            ready = [(u, r) for u, r in pending if not r.get("partOf")
                     or _ref(r["partOf"]) in self.objects]  # fmt: skip
            if not ready:
                raise BundleImportError("Organization.partOf points outside the Bundle")
            for url, res in ready:
                pending.remove((url, res))
                self.objects[url] = self.facility(res)

    def facility(self, res: dict) -> Facility:
        """The facility inside the import's scope with this kind, village and name, or else
        the target facility; never a new one."""
        kind = _coding(res["type"][0], cs("facility-kind"))
        village = self.region(res["address"][0])
        found = Facility.objects.filter(
            pk__in=self.scope, kind=kind, name=res["name"], village=village
        ).first()
        self._created("facilities_matched" if found else "facilities_to_target", True)
        return found or self.target

    # -- people
    def mothers(self) -> None:
        for url, res in self.by_type.get("Patient", []):
            identifier = _ident(res, "mother")
            if identifier is not None:
                self.objects[url] = self._mother_matched_or_new(res, identifier)
        mother_of = {}
        for _url, res in self.by_type.get("RelatedPerson", []):
            if _coding(res["relationship"][0], codes.V3_ROLE) == "MTH" and _ident(res, "mother"):
                mother_of[_ref(res["patient"])] = _ident(res, "mother")
        for url, res in self.by_type.get("Patient", []):
            key = _ident(res, "baby")
            if key is not None:
                self.objects[url] = self.baby(res, mother_of[url], key)
        for url, res in self.by_type.get("RelatedPerson", []):
            key = _ident(res, "companion")
            if key is not None:
                self.objects[url] = self.companion(res, key)

    def _mother_matched_or_new(self, res: dict, identifier: str) -> Mother:
        """The mother with this laktasi identifier in the target's network, or a new one;
        one outside the network, restricted or without consent stops the whole import."""
        found = Mother.objects.filter(identifier=identifier).first()
        if found is not None and found.facility_id not in self.scope:
            raise BundleImportError(
                f"mother {identifier} belongs to another facility's network; nothing imported"
            )
        if found is not None and not policy.may_process(found):
            raise BundleImportError(
                f"mother {identifier} restricted processing or withdrew consent; nothing imported"
            )
        self._created("mothers", found is None)
        if found is None:
            found = self.mother(res, identifier)
            self.new_mothers.add(found.pk)
        return found

    def mother(self, res: dict, identifier: str) -> Mother:
        address = res["address"][0]
        phone = next((t["value"] for t in res.get("telecom", []) if t["system"] == "phone"), "")
        delivery = _ext(res, "delivery-date")
        mother = mother_register(
            registered_by=None,
            full_name=res["name"][0]["text"],
            birth_date=date.fromisoformat(res["birthDate"]),
            village=self.region(address),
            facility=self.objects[_ref(res["managingOrganization"])],
            parity=_ext(res, "parity"),
            identifier=identifier,
            nik=_ident(res, codes.NIK_SYSTEM) or "",
            phone=phone,
            address=(address.get("line") or [""])[0],
            education=_ext(res, "education", ""),
            occupation=_ext(res, "occupation", ""),
            delivery_date=date.fromisoformat(delivery) if delivery else None,
            delivery_mode=_ext(res, "delivery-mode", ""),
            delivery_place=_ext(res, "delivery-place", ""),
        )
        return mother

    def baby(self, res: dict, mother_identifier: str, key: str) -> Baby:
        mother = Mother.objects.get(identifier=mother_identifier, facility_id__in=self.scope)
        n = int(key.rsplit("-", 1)[1])
        existing = list(mother.babies.order_by("pk"))
        self._created("babies", len(existing) < n)
        if len(existing) >= n:
            return existing[n - 1]
        return baby_add(
            mother=mother,
            name=(res.get("name") or [{}])[0].get("text", ""),
            birth_date=date.fromisoformat(res["birthDate"]),
            sex=codes.GENDER_BACK.get(res.get("gender"), ""),
            birth_weight_g=_ext(res, "birth-weight-g"),
            early_initiation=_ext(res, "early-initiation"),
            imd=_ext(res, "imd-skin-to-skin-1h"),
        )

    def companion(self, res: dict, key: str) -> Companion:
        mother = self.objects[_ref(res["patient"])]
        n = int(key.rsplit("-C", 1)[1])
        existing = list(mother.companions.order_by("pk"))
        self._created("companions", len(existing) < n)
        if len(existing) >= n:
            return existing[n - 1]
        phone = next((t["value"] for t in res.get("telecom", []) if t["system"] == "phone"), "")
        return companion_add(
            mother=mother,
            relationship=_coding(res["relationship"][0], cs("relationship")),
            name=res["name"][0]["text"],
            phone=phone,
        )

    def consents(self) -> None:
        rows = sorted(self.by_type.get("Consent", []), key=lambda ur: _ident(ur[1], "consent"))
        for _url, res in rows:
            mother = self.objects[_ref(res["patient"])]
            if mother.pk not in self.new_mothers:
                # Never from a Bundle: her consent is recorded with her, in laktasi.
                self._created("consents_ignored", True)
                continue
            key = _ident(res, "consent")
            n = int(key.rsplit("-K", 1)[1])
            exists = mother.consents.count() >= n
            self._created("consents", not exists)
            if exists:
                continue
            consent = Consent(
                mother=mother,
                subject=_ext(res, "consent-subject", "mother"),
                action="given" if res["provision"]["type"] == "permit" else "withdrawn",
                text_version=res["policy"][0]["uri"].removeprefix(codes.consent_policy("")),
                language=res.get("language", "id"),
                purpose=_ext(res, "consent-purpose", ""),
                channel=_ext(res, "consent-channel", "paper"),
                recorded_at=_dt(res["dateTime"]),
            )
            consent.full_clean()
            consent.save()

    # -- programs
    def programs(self) -> None:
        groups = self.by_type.get("Group", [])
        if self.target_program is not None and len(groups) > 1:
            raise BundleImportError(
                f"the Bundle holds {len(groups)} programs; a target program takes one"
            )
        for url, res in groups:
            period = _ext(res, "program-period", {})
            start = date.fromisoformat(period["start"])
            program = (
                self.target_program
                or Program.objects.filter(
                    title=res["name"], start_date=start, facility_id__in=self.scope
                ).first()
            )
            self._created("programs", program is None)
            if program is None:
                bands = _ext(res, "knowledge-bands")
                program = Program(
                    title=res["name"], organiser=_ext(res, "organiser", ""),
                    kind=_ext(res, "program-kind"), start_date=start,
                    end_date=date.fromisoformat(period["end"]) if period.get("end") else None,
                    description=_ext(res, "description", ""), video_url=_ext(res, "video-url", ""),
                    knowledge_bands=json.loads(bands) if bands else {},
                    facility=self.objects[_ref(res["managingEntity"])],
                )  # fmt: skip
                program.full_clean()
                program.save()
                program.villages.set(Region.objects.filter(code__in=_exts(res, "village")))
            self.objects[url] = program
            for member in res.get("member", []):
                mother = self.objects[_ref(member["entity"])]
                enrollment, created = Enrollment.objects.get_or_create(
                    program=program, mother=mother
                )
                if created and member.get("period", {}).get("start"):
                    Enrollment.objects.filter(pk=enrollment.pk).update(
                        enrolled_at=_dt(member["period"]["start"])
                    )

    def encounters(self) -> None:
        encounters = self.by_type.get("Encounter", [])
        kinds = {url: _coding(res["type"][0], cs("encounter-type")) for url, res in encounters}
        for url, res in encounters:
            if kinds[url] == "group-session":
                self.objects[url] = self.session(res)
        for url, res in encounters:
            if kinds[url] == "session-attendance":
                self.attendance(res)
            elif kinds[url] == "followup-contact":
                self.objects[url] = self.visit(res)

    def session(self, res: dict) -> Session:
        program = self.objects[_ref(res["subject"])]
        starts_at = _dt(res["period"]["start"])
        title = res["type"][0].get("text", "")
        found = Session.objects.filter(program=program, starts_at=starts_at, title=title).first()
        self._created("sessions", found is None)
        if found:
            return found
        session = Session(
            program=program, title=title, starts_at=starts_at,
            venue=res["location"][0]["location"]["display"],
            facilitator=res["participant"][0]["individual"]["display"],
        )  # fmt: skip
        session.full_clean()
        session.save()
        for item in res.get("extension", []):
            if item["url"] != ext("agenda-item"):
                continue
            parts = {e["url"]: next(v for k, v in e.items() if k.startswith("value"))
                     for e in item["extension"]}  # fmt: skip
            agenda = AgendaItem(session=session, order=parts["order"], kind=parts["kind"],
                                duration_minutes=parts["minutes"], notes=parts.get("notes", ""))  # fmt: skip
            agenda.full_clean()
            agenda.save()
        return session

    def attendance(self, res: dict) -> None:
        session = self.objects[_ref(res["partOf"])]
        mother = self.objects[_ref(res["subject"])]
        companion = None
        for participant in res.get("participant", []):
            companion = self.objects.get(_ref(participant.get("individual")))
        _row, created = Attendance.objects.get_or_create(
            session=session, mother=mother,
            defaults={"companion_present": _ext(res, "companion-present", False),
                      "companion": companion, "pregnant": _ext(res, "pregnant", False),
                      "antenatal_expression_cleared":
                          _ext(res, "antenatal-expression-cleared", False)},
        )  # fmt: skip
        self._created("attendance", created)

    def visit(self, res: dict) -> Visit:
        baby = self.objects[_ref(res["subject"])]
        key = _coding(res["type"][0], cs("followup-contact"))
        window = _ext(res, "visit-window")
        fields = {
            "key": key, "number": _ext(res, "visit-number"),
            "scheduled": _ext(res, "visit-scheduled", True),
            "due_date": date.fromisoformat(_ext(res, "visit-due-date")),
            "window_start": date.fromisoformat(window["start"]),
            "window_end": date.fromisoformat(window["end"]),
        }  # fmt: skip
        found = Visit.objects.filter(baby=baby, **fields).first()
        self._created("visits", found is None)
        if found:
            return found
        done = (res.get("period") or {}).get("start")
        visit = Visit(
            baby=baby, **fields, done_on=date.fromisoformat(done) if done else None,
            mode=_ext(res, "visit-mode", ""), age_days=_ext(res, "age-days"),
            age_months=_ext(res, "age-months"), problems=_exts(res, "problem"),
            massage_done=_ext(res, "massage-done"), massage_by=_ext(res, "massage-by", ""),
            weight_g=_ext(res, "weight-g"), wet_nappies=_ext(res, "wet-nappies"),
            referral_made=_ext(res, "referral-made", False),
            notes=_ext(res, "notes", ""),
        )  # fmt: skip
        visit.full_clean()
        visit.save()
        return visit

    # -- instruments
    def responses(self) -> None:
        for url, res in self.by_type.get("QuestionnaireResponse", []):
            submission = res["identifier"]["value"].removeprefix("urn:uuid:")
            found = submission_replay(Response, submission)
            self._created("responses", found is None)
            response = found or self.response(res, submission)
            self.objects[url] = response
            visit_ref = _ext(res, "visit")
            if visit_ref and found is None:
                visit = self.objects[_ref(visit_ref)]
                visit.recall = response
                visit.save(update_fields=["recall"])

    def response(self, res: dict, submission: str) -> Response:
        questionnaire, _bar, version = res["questionnaire"].partition("|")
        instrument_id = questionnaire.removeprefix(codes.questionnaire_url(""))
        try:
            definition = registry.get(instrument_id, version)
        except registry.UnknownInstrumentError as exc:
            raise BundleImportError(str(exc)) from exc
        answers = {}
        for item in res.get("item", []):
            values = []
            for answer in item.get("answer", []):
                key, value = next((k, v) for k, v in answer.items() if k.startswith("value"))
                values.append(value["code"] if key == "valueCoding" else value)
            many = item["linkId"] in definition.item_ids and (
                definition.item(item["linkId"]).type == "select_multiple"
            )
            answers[item["linkId"]] = values if many else values[0]
        program_ref = _ext(res, "program")
        encounter = self.objects.get(_ref(res.get("encounter")))
        companion_ref = _ext(res, "performed-by")
        program = self.objects[_ref(program_ref)] if program_ref else None
        result = score_answers(instrument=definition, answers=answers, program=program)
        response = Response(
            submission_uuid=submission,
            mother=self.objects[_ref(res["subject"])],
            program=program,
            session=encounter if isinstance(encounter, Session) else None,
            instrument_id=definition.id, instrument_version=definition.version,
            timepoint=_ext(res, "timepoint"), followup_number=_ext(res, "followup-number", 0),
            observer=_ext(res, "observer", "primary"),
            performed_by_companion=self.objects[_ref(companion_ref)] if companion_ref else None,
            answers=answers, collected_at=_dt(res["authored"]), source=_ext(res, "source", "import"),
            score_pct=result.score_pct, category=result.category or "",
            complete=result.complete, details=result.details,
        )  # fmt: skip
        response.full_clean()
        response.save()
        return response

    def observations(self) -> None:
        for _url, res in self.by_type.get("Observation", []):
            if _coding(res["code"], codes.LOINC) != codes.BREASTFEEDING_STATUS:
                continue  # knowledge and smoothness are recomputed from the responses
            visit = self.objects.get(_ref(res.get("encounter")))
            status = _coding(res["valueCodeableConcept"], cs("feeding-status"))
            if isinstance(visit, Visit) and status and not visit.feeding_status:
                visit.feeding_status = status
                visit.save(update_fields=["feeding_status"])

    def run(self) -> Counter:
        self.organizations()
        self.mothers()
        self.consents()
        self.programs()
        self.encounters()
        self.responses()
        self.observations()
        return self.counts


def bundle_import(
    *,
    bundle: dict,
    facility: Facility,
    program: Program | None = None,
    dry_run: bool = False,
) -> dict[str, int]:
    """Import a laktasi Bundle into ``facility``'s network (and ``program``), all or
    nothing; returns counts of created/existing rows. ``dry_run``: check and count, then
    roll back. Raises BundleImportError (nothing written) for an invalid or unsafe Bundle."""
    if bundle.get("resourceType") != "Bundle":
        raise BundleImportError("not a FHIR Bundle")
    problems = validate_bundle(bundle)
    if problems:
        raise BundleImportError("invalid Bundle: " + "; ".join(problems[:5]))
    if program is not None and program.facility_id not in network_ids(facility):
        raise BundleImportError("the target program belongs to another facility's network")
    try:
        with transaction.atomic():
            counts = dict(
                sorted(Importer(bundle, facility=facility, program=program).run().items())
            )
            if dry_run:
                transaction.set_rollback(True)
            return counts
    except ValidationError as exc:
        raise BundleImportError("; ".join(exc.messages)) from exc
    except (KeyError, IndexError, TypeError, StopIteration) as exc:
        raise BundleImportError(f"the Bundle is not in laktasi's shape: {exc!r}") from exc

"""Build a FHIR R4 ``collection`` Bundle of laktasi's data (plain JSON-ready dicts).

Resources and what they carry:

- Organization + Location: each facility (a posyandu's Organization is ``partOf`` its
  puskesmas), with the SATUSEHAT address extension of Kemendagri codes.
- Patient: each mother (NIK under the SATUSEHAT NIK system, laktasi identifier) and baby.
- RelatedPerson: each companion (patient = the mother) and, for each baby, the mother as the
  baby's related person (relationship MTH); the mother's Patient links to it (``seealso``).
- Consent: each consent record (append-only, so a withdrawal is its own Consent, ``deny``).
- Group: each program (members = enrolled mothers), the subject of its sessions.
- Encounter: each session, each attendance (``partOf`` the session) and each follow-up visit.
- Questionnaire: each instrument version; QuestionnaireResponse: each response.
- Observation: breastfeeding status (LOINC 63895-7) at each visit with a recall, and the
  knowledge category and milk smoothness of each scored response.

``fullUrl``s are ``urn:uuid``s derived from natural keys, so exporting the same data twice,
or after an import into another database, gives the same URLs. Restricted or anonymised
mothers are never exported.
"""

from __future__ import annotations

import json
from datetime import date

from django.utils import timezone

from laktasi.accounts.models import User
from laktasi.api.fhir import codes
from laktasi.api.fhir.codes import cs, ext, full_url, sid
from laktasi.api.fhir.resources import (
    _clean,
    _clean_list,
    _code,
    _concept,
    _e,
    _iso,
    _ref,
    address,
    answer_items,
    facility_key,
    program_key,
    session_key,
)
from laktasi.api.fhir.selection import Selection, select
from laktasi.followups.models import Visit
from laktasi.instruments import registry
from laktasi.instruments.models import Response
from laktasi.mothers.models import Baby, Companion, Consent, Mother
from laktasi.places.models import Facility
from laktasi.programs.models import Attendance, Program, Session

OBSERVED_CATEGORIES = {"knowledge_test": "knowledge-category", "milk_smoothness": "milk-smoothness"}


# ---------------------------------------------------------------------------- writer


class BundleWriter:
    """Turns a :class:`Selection` into Bundle entries, keeping every reference inside it."""

    def __init__(self, sel: Selection):
        self.sel = sel
        self.entries: list[dict] = []
        self.facility_url: dict[int, str] = {}
        self.mother_url: dict[int, str] = {}
        self.baby_url: dict[int, str] = {}
        self.baby_key: dict[int, str] = {}
        self.companion_url: dict[int, str] = {}
        self.program_url: dict[int, str] = {}
        self.program_keys: dict[int, str] = {}
        self.session_url: dict[int, str] = {}
        self.visit_url: dict[int, str] = {}

    def add(self, url: str, resource: dict) -> None:
        self.entries.append({"fullUrl": url, "resource": _clean(resource)})

    def build(self) -> list[dict]:
        for f in self.sel.facilities:
            self.organization(f)
        for f in self.sel.facilities:
            self.location(f)
        for m in self.sel.mothers:
            self.mother(m)
        for p in self.sel.programs:
            self.program(p)
        for s in self.sel.sessions:
            self.session(s)
        for a in self.sel.attendance:
            self.attendance(a)
        self.questionnaires()
        for v in self.sel.visits:
            self.visit(v)
        for r in self.sel.responses:
            self.response(r)
        return self.entries

    # -- places
    def organization(self, f: Facility) -> None:
        url = full_url("Organization", facility_key(f))
        self.facility_url[f.pk] = url
        self.add(url, {
            "resourceType": "Organization",
            "identifier": [{"system": sid("facility"), "value": facility_key(f)}],
            "active": True,
            "type": [_concept(cs("facility-kind"), f.kind, str(f.get_kind_display()))],
            "name": f.name,
            "telecom": [{"system": "phone", "value": f.phone, "use": "work"}] if f.phone else [],
            "address": [address(f.village, f.address, "work")],
            "partOf": _ref(self.facility_url[f.puskesmas_id]) if f.puskesmas_id else None,
            "extension": [_e("schedule", "String", f.schedule)] if f.schedule else [],
        })  # fmt: skip

    def location(self, f: Facility) -> None:
        self.add(full_url("Location", facility_key(f)), {
            "resourceType": "Location",
            "identifier": [{"system": sid("facility"), "value": facility_key(f)}],
            "status": "active",
            "name": f"{f.get_kind_display()} {f.name}",
            "mode": "instance",
            "address": address(f.village, f.address, "work"),
            "managingOrganization": _ref(self.facility_url[f.pk]),
        })  # fmt: skip

    # -- people
    def mother(self, m: Mother) -> None:
        url = full_url("Patient", f"mother/{m.identifier}")
        self.mother_url[m.pk] = url
        babies = self.sel.babies.get(m.pk, [])
        baby_keys = [f"{m.identifier}-{n}" for n in range(1, len(babies) + 1)]
        identifiers = [{"use": "usual", "system": sid("mother"), "value": m.identifier}]
        if m.nik:
            identifiers.insert(0, {"use": "official", "system": codes.NIK_SYSTEM, "value": m.nik})
        extensions = [
            _e("education", "Code", m.education) if m.education else None,
            _e("occupation", "Code", m.occupation) if m.occupation else None,
            _e("parity", "Integer", m.parity),
            _e("delivery-date", "Date", m.delivery_date.isoformat()) if m.delivery_date else None,
            _e("delivery-mode", "Code", m.delivery_mode) if m.delivery_mode else None,
            _e("delivery-place", "Code", m.delivery_place) if m.delivery_place else None,
        ]
        self.add(url, {
            "resourceType": "Patient",
            "identifier": identifiers,
            "active": True,
            "name": [{"use": "official", "text": m.full_name}],
            "telecom": [{"system": "phone", "value": m.phone, "use": "mobile"}] if m.phone else [],
            "gender": "female",
            "birthDate": m.birth_date.isoformat(),
            "address": [address(m.village, m.address, "home")],
            "managingOrganization": _ref(self.facility_url[m.facility_id]),
            "link": [{"other": _ref(full_url("RelatedPerson", f"mother-of/{k}")),
                      "type": "seealso"} for k in baby_keys],
            "extension": [e for e in extensions if e],
        })  # fmt: skip
        for baby, key in zip(babies, baby_keys, strict=True):
            self.baby(m, baby, key)
        for n, companion in enumerate(self.sel.companions.get(m.pk, []), start=1):
            self.companion(m, companion, n)
        for n, consent in enumerate(self.sel.consents.get(m.pk, []), start=1):
            self.consent(m, consent, n)

    def baby(self, m: Mother, b: Baby, key: str) -> None:
        url = full_url("Patient", f"baby/{key}")
        self.baby_url[b.pk], self.baby_key[b.pk] = url, key
        extensions = []
        if b.birth_weight_g is not None:
            extensions.append(_e("birth-weight-g", "Integer", b.birth_weight_g))
        if b.early_initiation is not None:
            extensions.append(_e("early-initiation", "Boolean", b.early_initiation))
        if b.imd is not None:
            extensions.append(_e("imd-skin-to-skin-1h", "Boolean", b.imd))
        self.add(url, {
            "resourceType": "Patient",
            "identifier": [{"use": "usual", "system": sid("baby"), "value": key}],
            "active": True,
            "name": [{"use": "usual", "text": b.name}] if b.name else [],
            "gender": codes.GENDER.get(b.sex, "unknown"),
            "birthDate": b.birth_date.isoformat(),
            "managingOrganization": _ref(self.facility_url[m.facility_id]),
            "extension": extensions,
        })  # fmt: skip
        self.add(full_url("RelatedPerson", f"mother-of/{key}"), {
            "resourceType": "RelatedPerson",
            "identifier": [{"system": sid("mother"), "value": m.identifier}],
            "active": True,
            "patient": _ref(url),
            "relationship": [_concept(codes.V3_ROLE, "MTH", "mother")],
            "name": [{"text": m.full_name}],
            "gender": "female",
            "birthDate": m.birth_date.isoformat(),
        })  # fmt: skip

    def companion(self, m: Mother, c: Companion, n: int) -> None:
        key = f"{m.identifier}-C{n}"
        url = full_url("RelatedPerson", f"companion/{key}")
        self.companion_url[c.pk] = url
        codings = [_code(cs("relationship"), c.relationship, str(c.get_relationship_display()))]
        if c.relationship in codes.RELATIONSHIP_V3:
            codings.insert(0, _code(codes.V3_ROLE, *codes.RELATIONSHIP_V3[c.relationship]))
        self.add(url, {
            "resourceType": "RelatedPerson",
            "identifier": [{"system": sid("companion"), "value": key}],
            "active": True,
            "patient": _ref(self.mother_url[m.pk]),
            "relationship": [{"coding": codings}],
            "name": [{"text": c.name}],
            "telecom": [{"system": "phone", "value": c.phone, "use": "mobile"}] if c.phone else [],
        })  # fmt: skip

    def consent(self, m: Mother, c: Consent, n: int) -> None:
        key = f"{m.identifier}-K{n}"
        self.add(full_url("Consent", key), {
            "resourceType": "Consent",
            "identifier": [{"system": sid("consent"), "value": key}],
            "status": "active",
            "language": c.language,
            "scope": _concept(codes.CONSENT_SCOPE, "patient-privacy", "Privacy Consent"),
            "category": [_concept(codes.LOINC, codes.PATIENT_CONSENT, "Patient Consent")],
            "patient": _ref(self.mother_url[m.pk]),
            "dateTime": _iso(c.recorded_at),
            "policy": [{"uri": codes.consent_policy(c.text_version)}],
            "provision": {"type": "permit" if c.action == "given" else "deny"},
            "extension": [
                _e("consent-subject", "Code", c.subject),
                _e("consent-channel", "Code", c.channel),
                _e("consent-purpose", "String", c.purpose),
            ],
        })  # fmt: skip

    # -- programs
    def program(self, p: Program) -> None:
        key = program_key(p)
        url = full_url("Group", key)
        self.program_url[p.pk], self.program_keys[p.pk] = url, key
        members = [e for e in self.sel.enrollments if e.program_id == p.pk]
        extensions = [
            _e("organiser", "String", p.organiser),
            _e("program-kind", "Code", p.kind),
            _e("program-period", "Period", _clean({
                "start": p.start_date.isoformat(),
                "end": p.end_date.isoformat() if p.end_date else None})),
            _e("description", "String", p.description) if p.description else None,
            _e("video-url", "Url", p.video_url) if p.video_url else None,
            _e("knowledge-bands", "String", json.dumps(p.knowledge_bands, sort_keys=True))
            if p.knowledge_bands else None,
            *(_e("village", "Code", v.code) for v in sorted(p.villages.all(), key=lambda v: v.code)),
        ]  # fmt: skip
        self.add(url, {
            "resourceType": "Group",
            "identifier": [{"system": sid("program"), "value": key}],
            "active": True,
            "type": "person",
            "actual": True,
            "name": p.title,
            "managingEntity": _ref(self.facility_url[p.facility_id]),
            "quantity": len(members),
            "member": [{"entity": _ref(self.mother_url[e.mother_id]),
                        "period": {"start": _iso(e.enrolled_at)}} for e in members],
            "extension": [e for e in extensions if e],
        })  # fmt: skip

    def session(self, s: Session) -> None:
        key = session_key(s, self.program_keys)
        url = full_url("Encounter", f"session/{key}")
        self.session_url[s.pk] = url
        agenda = [
            {"url": ext("agenda-item"), "extension": _clean_list([
                {"url": "order", "valueInteger": item.order},
                {"url": "kind", "valueCode": item.kind},
                {"url": "minutes", "valueInteger": item.duration_minutes},
                {"url": "notes", "valueString": item.notes} if item.notes else None])}
            for item in s.agenda_items.all()
        ]  # fmt: skip
        self.add(url, {
            "resourceType": "Encounter",
            "identifier": [{"system": sid("session"), "value": key}],
            "status": "finished" if s.starts_at <= timezone.now() else "planned",
            "class": _code(codes.V3_ACT, "AMB", "ambulatory"),
            "type": [_concept(cs("encounter-type"), "group-session", "program session",
                              text=s.title)],
            "subject": _ref(self.program_url[s.program_id]),
            "period": {"start": _iso(s.starts_at)},
            "location": [{"location": {"display": s.venue}}],
            "participant": [{"individual": {"display": s.facilitator}}],
            "extension": agenda,
        })  # fmt: skip

    def attendance(self, a: Attendance) -> None:
        session_url = self.session_url[a.session_id]
        mother_url = self.mother_url[a.mother_id]
        participant = []
        if a.companion_id and a.companion_id in self.companion_url:
            participant.append({"individual": _ref(self.companion_url[a.companion_id])})
        self.add(full_url("Encounter", f"attendance/{session_url}/{mother_url}"), {
            "resourceType": "Encounter",
            "status": "finished",
            "class": _code(codes.V3_ACT, "AMB", "ambulatory"),
            "type": [_concept(cs("encounter-type"), "session-attendance", "session attendance")],
            "subject": _ref(mother_url),
            "partOf": _ref(session_url),
            "participant": participant,
            "extension": [
                _e("companion-present", "Boolean", a.companion_present),
                *([_e("pregnant", "Boolean", True)] if a.pregnant else []),
                *([_e("antenatal-expression-cleared", "Boolean", True)]
                  if a.antenatal_expression_cleared else []),
            ],
        })  # fmt: skip

    # -- instruments
    def questionnaires(self) -> None:
        for versions in registry.load_all().values():
            for definition in versions.values():
                self.questionnaire(definition)

    def questionnaire(self, d: registry.InstrumentDefinition) -> None:
        url = codes.questionnaire_url(d.id)
        items = []
        for it in d.items:
            item = {
                "linkId": it.id,
                "text": it.label_for("id"),
                "type": codes.ITEM_TYPE.get(it.type, "string"),
                "required": it.required,
                "repeats": it.type == "select_multiple",
                "answerOption": [
                    {"valueCoding": _code(cs(f"choice-{it.list_name}"), c.name, c.label.get("id"))}
                    for c in it.choices
                ] if codes.ITEM_TYPE.get(it.type) == "choice" else [],
            }  # fmt: skip
            items.append(item)
        self.add(full_url("Questionnaire", f"{url}|{d.version}"), {
            "resourceType": "Questionnaire",
            "url": url,
            "version": d.version,
            "name": "".join(part.title() for part in d.id.split("_")),
            "title": d.title("id"),
            "status": "active",
            "subjectType": ["Patient"],
            "description": d.description("id"),
            "copyright": d.license,
            "item": items,
        })  # fmt: skip

    def visit(self, v: Visit) -> None:
        baby_key = self.baby_key[v.baby_id]
        n = sum(1 for other in self.sel.visits[: self.sel.visits.index(v)]
                if other.baby_id == v.baby_id) + 1  # fmt: skip
        key = f"{baby_key}/V{n}"
        url = full_url("Encounter", f"visit/{key}")
        self.visit_url[v.pk] = url
        klass = codes.VISIT_CLASS.get(v.mode, codes.VISIT_CLASS[""])
        extensions = [
            _e("visit-scheduled", "Boolean", v.scheduled),
            _e("visit-number", "Integer", v.number),
            _e("visit-due-date", "Date", v.due_date.isoformat()),
            _e("visit-window", "Period", {"start": v.window_start.isoformat(),
                                          "end": v.window_end.isoformat()}),
            _e("visit-mode", "Code", v.mode) if v.mode else None,
            _e("age-days", "Integer", v.age_days) if v.age_days is not None else None,
            _e("age-months", "Integer", v.age_months) if v.age_months is not None else None,
            *(_e("problem", "Code", p) for p in v.problems or []),
            _e("massage-done", "Boolean", v.massage_done) if v.massage_done is not None else None,
            _e("massage-by", "Code", v.massage_by) if v.massage_by else None,
            _e("weight-g", "Integer", v.weight_g) if v.weight_g is not None else None,
            _e("wet-nappies", "Integer", v.wet_nappies) if v.wet_nappies is not None else None,
            _e("referral-made", "Boolean", v.referral_made),
            _e("notes", "String", v.notes) if v.notes else None,
        ]  # fmt: skip
        self.add(url, {
            "resourceType": "Encounter",
            "identifier": [{"system": sid("visit"), "value": key}],
            "status": "finished" if v.done_on else "planned",
            "class": _code(codes.V3_ACT, *klass),
            "type": [{"coding": [_code(cs("encounter-type"), "followup-contact", "follow-up visit"),
                                 _code(cs("followup-contact"), v.key)]}],
            "subject": _ref(self.baby_url[v.baby_id]),
            "period": {"start": v.done_on.isoformat()} if v.done_on else None,
            "extension": [e for e in extensions if e],
        })  # fmt: skip
        if v.feeding_status:
            obs_key = f"{key}/breastfeeding-status"
            self.add(full_url("Observation", obs_key), {
                "resourceType": "Observation",
                "status": "final",
                "category": [_concept(codes.OBS_CATEGORY, "survey", "Survey")],
                "code": _concept(codes.LOINC, codes.BREASTFEEDING_STATUS, "Breastfeeding status"),
                "subject": _ref(self.baby_url[v.baby_id]),
                "encounter": _ref(url),
                "effectiveDateTime": (v.done_on or v.due_date).isoformat(),
                "valueCodeableConcept": _concept(cs("feeding-status"), v.feeding_status),
                "derivedFrom": [_ref(self._response_url(v.recall_id))] if v.recall_id else [],
            })  # fmt: skip

    def _response_url(self, response_id: int) -> str:
        response = next(r for r in self.sel.responses if r.pk == response_id)
        return full_url("QuestionnaireResponse", str(response.submission_uuid))

    def response(self, r: Response) -> None:
        url = full_url("QuestionnaireResponse", str(r.submission_uuid))
        visit = getattr(r, "visit", None)
        visit_url = self.visit_url.get(visit.pk) if visit is not None else None
        encounter = self.session_url.get(r.session_id) if r.session_id else visit_url
        try:
            definition = registry.get(r.instrument_id, r.instrument_version)
        except registry.UnknownInstrumentError:
            definition = None
        extensions = [
            _e("program", "Reference", _ref(self.program_url[r.program_id]))
            if r.program_id in self.program_url else None,
            _e("timepoint", "Code", r.timepoint),
            _e("followup-number", "Integer", r.followup_number),
            _e("observer", "Code", r.observer),
            _e("source", "Code", r.source),
            _e("performed-by", "Reference", _ref(self.companion_url[r.performed_by_companion_id]))
            if r.performed_by_companion_id in self.companion_url else None,
            _e("visit", "Reference", _ref(visit_url)) if visit_url else None,
        ]  # fmt: skip
        self.add(url, {
            "resourceType": "QuestionnaireResponse",
            "identifier": {"system": codes.URI_SYSTEM, "value": f"urn:uuid:{r.submission_uuid}"},
            "questionnaire": f"{codes.questionnaire_url(r.instrument_id)}|{r.instrument_version}",
            "status": "completed" if r.complete else "in-progress",
            "subject": _ref(self.mother_url[r.mother_id]),
            "encounter": _ref(encounter) if encounter else None,
            "authored": _iso(r.collected_at),
            "item": answer_items(definition, r.answers or {}),
            "extension": [e for e in extensions if e],
        })  # fmt: skip
        observed = OBSERVED_CATEGORIES.get(r.instrument_id)
        if observed and r.category:
            component = []
            if r.score_pct is not None:
                component.append({
                    "code": _concept(cs("observation"), "score-percent", "score (%)"),
                    "valueQuantity": {"value": round(r.score_pct, 2), "unit": "%",
                                      "system": codes.UCUM, "code": "%"}})  # fmt: skip
            self.add(full_url("Observation", f"{r.submission_uuid}/{observed}"), {
                "resourceType": "Observation",
                "status": "final",
                "category": [_concept(codes.OBS_CATEGORY, "survey", "Survey")],
                "code": _concept(cs("observation"), observed, observed.replace("-", " ")),
                "subject": _ref(self.mother_url[r.mother_id]),
                "encounter": _ref(encounter) if encounter else None,
                "effectiveDateTime": _iso(r.collected_at),
                "valueCodeableConcept": _concept(cs(observed), r.category),
                "component": component,
                "derivedFrom": [_ref(url)],
            })  # fmt: skip


def bundle_build(
    *, user: User | None = None, program: Program | None = None, since: date | None = None
) -> dict:
    """The Bundle (type ``collection``) of everything in scope, as a JSON-ready dict."""
    sel = select(user=user, program=program, since=since)
    entries = BundleWriter(sel).build()
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": _iso(timezone.now()),
        "entry": entries,
    }


def exported_mothers(bundle: dict) -> list[str]:
    """laktasi identifiers of the mothers a bundle holds (for the access log)."""
    found = []
    for entry in bundle.get("entry", []):
        res = entry["resource"]
        if res["resourceType"] == "Patient":
            for ident in res.get("identifier", []):
                if ident.get("system") == sid("mother"):
                    found.append(ident["value"])
    return found

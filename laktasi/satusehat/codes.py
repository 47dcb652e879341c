"""Systems and codes sent to SATUSEHAT, each with where it comes from.

FACTS §7.6 [S2]: identifier systems, education as Procedure with ED000009, UTC times.
The clinical-term system URL and the displays are those of the Kemkes terminology published in
DTO Kemkes' IG sources (yy-dto/IDCore, CodeSystem-KemkesClinicalTerm.fsh).
"""

from __future__ import annotations

NIK = "https://fhir.kemkes.go.id/id/nik"
NIK_IBU = "https://fhir.kemkes.go.id/id/nik-ibu"


def org_system(resource: str, org_id: str) -> str:
    """The org-scoped identifier system of a facility's own records (FACTS §7.6)."""
    return f"http://sys-ids.kemkes.go.id/{resource}/{org_id}"


ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
CLASS_DISPLAY = {"AMB": "ambulatory", "HH": "home health"}
PARTICIPATION = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"

CLINICAL_TERM = "http://terminology.kemkes.go.id/CodeSystem/clinical-term"
ED_BREASTFEEDING = ("ED000009", "Edukasi IMD dan ASI Eksklusif")
# ED000008 "Edukasi Tanda Bahaya Kehamilan, Bersalin dan Nifas" is NOT sent: nothing in
# laktasi records that danger signs were taught at a contact (docs/satusehat.md).
SNOMED = "http://snomed.info/sct"
EDUCATION_CATEGORY = ("409073007", "Education")

LOINC = "http://loinc.org"
BODY_WEIGHT = ("29463-7", "Body weight")
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
UCUM = "http://unitsofmeasure.org"

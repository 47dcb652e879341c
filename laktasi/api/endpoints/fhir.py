"""FHIR R4 export of the user's scope as a Bundle (``application/fhir+json``)."""

from datetime import date

from django.http import HttpResponse
from ninja import Router

from laktasi.accounts import policy
from laktasi.api.fhir.export import bundle_build, exported_mothers
from laktasi.api.fhir.exports import FHIR_JSON
from laktasi.api.fhir.exports import KIND as FHIR_BUNDLE
from laktasi.api.problems import Problem, ProblemError
from laktasi.api.types import Id
from laktasi.core.exporting import export
from laktasi.mothers.models import Mother
from laktasi.privacy.models import AccessAction
from laktasi.privacy.services import access_log_record
from laktasi.programs.selectors import program_get

router = Router(tags=["fhir"])


@router.get(
    "/fhir/Bundle",
    summary="FHIR R4 Bundle (collection) of the data in your scope",
    response={200: None, 403: Problem},
    openapi_extra={
        "responses": {
            "200": {
                "description": "A FHIR R4 Bundle of type collection.",
                "content": {FHIR_JSON: {"schema": {"type": "object"}}},
            }
        }
    },
)
def fhir_bundle(request, program: Id | None = None, since: date | None = None):
    """Patients, related persons, consents, organizations, locations, groups, encounters,
    questionnaires, responses and observations; each exported mother is access-logged."""
    user = request.user
    if not policy.may_export_fhir(user):
        raise ProblemError(
            403, "Your role cannot export FHIR: a bundle holds full NIK and phone numbers."
        )
    chosen = program_get(user=user, pk=program) if program is not None else None
    bundle = bundle_build(user=user, program=chosen, since=since)
    for mother in Mother.objects.filter(identifier__in=exported_mothers(bundle)):
        access_log_record(user=user, mother=mother, action=AccessAction.EXPORT_JSON,
                          channel="api")  # fmt: skip
    _name, content_type, body = export(FHIR_BUNDLE, bundle, fmt="json")
    return HttpResponse(body, content_type=content_type)

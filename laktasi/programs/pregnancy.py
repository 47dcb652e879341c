"""Pregnant participants in hands-on sessions (FACTS §15, content review H3).

[U] defaults for the program's midwife to confirm (FACTS §15 "App defaults"): oxytocin
massage and Marmet hand expression are offered only after birth; a pregnant participant
observes and practises on a breast model or a picture. Hand expression before the birth only
from 37 weeks, in a low-risk pregnancy, after the bidan has screened her (recorded on her
attendance as ``antenatal_expression_cleared``). Breast stimulation can cause contractions
(Cochrane, Kavanagh 2005 [S]); no source covers pijat oksitosin in pregnancy.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from laktasi.programs.models import AgendaKind, Attendance

MASSAGE_CHECKLIST = "oxytocin_massage_checklist"
EXPRESSION_CHECKLIST = "marmet_checklist"
POSTPARTUM_ONLY_CHECKLISTS = (MASSAGE_CHECKLIST, EXPRESSION_CHECKLIST)
HANDS_ON_AGENDA = (AgendaKind.DEMONSTRATION, AgendaKind.PRACTICE)

PREGNANT_PRACTICE_NOTE = _(
    "Pregnant: observes and practises on a breast model or picture only; massage and hand "
    "expression after the birth."
)
REFUSAL_MASSAGE = _(
    "This mother is recorded as pregnant at this session, so no oxytocin-massage checklist "
    "is recorded for her: she observes and practises on a model or picture, and the massage "
    "is for after the birth. (Default for the program's midwife to confirm.)"
)
REFUSAL_EXPRESSION = _(
    "This mother is recorded as pregnant at this session, so no hand-expression checklist is "
    "recorded for her: she observes and practises on a breast model or picture. Expressing "
    "before the birth only from 37 weeks in a low-risk pregnancy after the midwife has "
    "screened her. (Default for the program's midwife to confirm.)"
)


def checklist_refusal(*, attendance: Attendance | None, instrument_id: str):
    """The reason a massage/expression checklist may not be recorded, or None when it may."""
    if attendance is None or not attendance.pregnant:
        return None
    if instrument_id == MASSAGE_CHECKLIST:
        return REFUSAL_MASSAGE
    if instrument_id == EXPRESSION_CHECKLIST and not attendance.antenatal_expression_cleared:
        return REFUSAL_EXPRESSION
    return None

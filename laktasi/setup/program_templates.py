"""Program templates: ready-made programs kept as YAML in ``program_templates/``.

A template names the program's title and description (Indonesian and English), its kind, the
first session's agenda (kind and minutes, in order), the instruments at each timepoint, whether
the leaflet is handed out and the follow-up schedule. :func:`program_from_template` turns one,
adjusted by the user, into a program with its session, follow-up plan and instrument plan.
Every template is validated when loaded, so a broken file fails the tests, not a user.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from laktasi.accounts import policy
from laktasi.accounts.models import Role, User
from laktasi.followups.models import FollowupPlan, default_contacts
from laktasi.instruments import registry
from laktasi.instruments.models import Timepoint
from laktasi.places.models import Facility
from laktasi.programs.models import AgendaKind, Program, ProgramKind
from laktasi.programs.services import program_create, session_create

TEMPLATE_DIR = Path(__file__).resolve().parent / "program_templates"


class TemplateError(ValueError):
    """A template file that does not describe a valid program."""


@dataclass(frozen=True)
class AgendaStep:
    kind: str
    minutes: int
    notes: str = ""

    @property
    def label(self) -> str:
        return str(AgendaKind(self.kind).label)


@dataclass(frozen=True)
class ProgramTemplate:
    id: str
    order: int
    title: dict[str, str]
    description: dict[str, str]
    kind: str
    session_title: str
    agenda: tuple[AgendaStep, ...]
    instruments: dict[str, tuple[str, ...]]
    leaflet: bool

    def text(self, field: str) -> str:
        """The title or description in the active language (Indonesian when missing)."""
        values = getattr(self, field)
        return values.get((get_language() or "id")[:2]) or values["id"]

    @property
    def text_title(self) -> str:
        return self.text("title")

    @property
    def text_description(self) -> str:
        return self.text("description")

    @property
    def total_minutes(self) -> int:
        return sum(step.minutes for step in self.agenda)

    def instrument_titles(self) -> list[tuple[str, list[str]]]:
        """(timepoint label, instrument titles) for display, in pre/post/follow-up order."""
        lang = (get_language() or "id")[:2]
        out = []
        for timepoint in Timepoint:
            ids = self.instruments.get(timepoint.value, ())
            out.append((str(timepoint.label), [registry.get(i).title(lang) for i in ids]))
        return out


def _bilingual(raw, what: str, path: Path) -> dict[str, str]:
    if not isinstance(raw, dict) or not str(raw.get("id", "")).strip():
        raise TemplateError(f"{path.name}: {what} needs an Indonesian text (id:)")
    return {lang: " ".join(str(text).split()) for lang, text in raw.items()}


def _agenda(raw, path: Path) -> tuple[AgendaStep, ...]:
    steps = []
    for entry in raw or []:
        kind, minutes = entry.get("kind"), entry.get("minutes")
        if kind not in AgendaKind.values:
            raise TemplateError(f"{path.name}: unknown agenda kind {kind!r}")
        if not isinstance(minutes, int) or not 1 <= minutes <= 600:
            raise TemplateError(f"{path.name}: agenda minutes must be 1–600, got {minutes!r}")
        steps.append(AgendaStep(kind, minutes, str(entry.get("notes", ""))))
    return tuple(steps)


def _instruments(raw, path: Path) -> dict[str, tuple[str, ...]]:
    raw = raw or {}
    unknown = set(raw) - set(Timepoint.values)
    if unknown:
        raise TemplateError(f"{path.name}: unknown timepoints {sorted(unknown)}")
    available = registry.load_all()
    plan = {}
    for timepoint in Timepoint.values:
        ids = tuple(raw.get(timepoint) or ())
        missing = [i for i in ids if i not in available]
        if missing:
            raise TemplateError(f"{path.name}: unknown instruments {missing}")
        plan[timepoint] = ids
    return plan


def template_parse(path: Path) -> ProgramTemplate:
    """Read and validate one template file; raises TemplateError naming the problem."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not data.get("id"):
        raise TemplateError(f"{path.name}: a template needs an id")
    if data.get("kind") not in ProgramKind.values:
        raise TemplateError(f"{path.name}: unknown program kind {data.get('kind')!r}")
    if data.get("followup", "default") != "default":
        raise TemplateError(f"{path.name}: only the default follow-up schedule is supported")
    session = data.get("session") or {}
    return ProgramTemplate(
        id=str(data["id"]),
        order=int(data.get("order", 99)),
        title=_bilingual(data.get("title"), "title", path),
        description=_bilingual(data.get("description"), "description", path),
        kind=data["kind"],
        session_title=str(session.get("title", "")),
        agenda=_agenda(session.get("agenda"), path),
        instruments=_instruments(data.get("instruments"), path),
        leaflet=bool(data.get("leaflet")),
    )


@cache
def template_list() -> tuple[ProgramTemplate, ...]:
    """Every shipped template, in display order."""
    templates = [template_parse(p) for p in sorted(TEMPLATE_DIR.glob("*.yaml"))]
    ids = [t.id for t in templates]
    if len(ids) != len(set(ids)):
        raise TemplateError(f"duplicate template ids: {ids}")
    return tuple(sorted(templates, key=lambda t: (t.order, t.id)))


def template_get(template_id: str) -> ProgramTemplate:
    for template in template_list():
        if template.id == template_id:
            return template
    raise TemplateError(
        _("Unknown template %(id)s; available: %(ids)s")
        % {"id": template_id, "ids": ", ".join(t.id for t in template_list())}
    )


@dataclass(frozen=True)
class ProgramStart:
    """What the user chose or adjusted on top of the template."""

    title: str
    organiser: str
    facility: Facility
    start_date: date
    session_starts_at: datetime
    venue: str
    facilitator: str
    minutes: tuple[int, ...] = ()  # per agenda step; 0 leaves the step out; () = as template


def _agenda_pairs(template: ProgramTemplate, minutes: tuple[int, ...]) -> list[AgendaStep]:
    if minutes and len(minutes) != len(template.agenda):
        raise ValidationError(_("Give the minutes of every agenda step."))
    chosen = minutes or tuple(step.minutes for step in template.agenda)
    steps = []
    for step, value in zip(template.agenda, chosen, strict=True):
        if not 0 <= value <= 600:
            raise ValidationError(_("Minutes must be between 0 and 600."))
        if value:
            steps.append(AgendaStep(step.kind, value, step.notes))
    return steps


def program_from_template(*, template: ProgramTemplate, start: ProgramStart, by: User) -> Program:
    """Create the program, its first session with the agenda, its follow-up plan and its
    instrument plan, all or nothing. ``by`` joins the team; he must be allowed to place the
    program at ``start.facility``."""
    if not policy.program_facility_choices(by).filter(pk=start.facility.pk).exists():
        raise ValidationError({"facility": _("You cannot start a program at this facility.")})
    if start.session_starts_at.date() < start.start_date:
        raise ValidationError(
            {"session_starts_at": _("The first session cannot be before the program starts.")}
        )
    steps = _agenda_pairs(template, start.minutes)
    with transaction.atomic():
        program = program_create(
            title=start.title.strip() or template.text("title"),
            # A posyandu's program is run by its puskesmas unless the user names someone else.
            organiser=start.organiser.strip() or (start.facility.puskesmas or start.facility).name,
            kind=template.kind,
            facility=start.facility,
            start_date=start.start_date,
            description=template.text("description"),
            instrument_plan={k: list(v) for k, v in template.instruments.items()},
            villages=[start.facility.village],
            team=[by],
        )
        session = session_create(
            program=program,
            title=template.session_title,
            starts_at=start.session_starts_at,
            venue=start.venue,
            facilitator=start.facilitator,
            responsible=by if by.role in {Role.MIDWIFE, Role.COORDINATOR} else None,
            agenda=[(s.kind, s.minutes) for s in steps],
        )
        for item, step in zip(session.agenda_items.order_by("order"), steps, strict=True):
            if step.notes:
                item.notes = step.notes
                item.save(update_fields=["notes"])
        plan = FollowupPlan(program=program, contacts=default_contacts())
        plan.full_clean()
        plan.save()
    return program

"""Follow-up pages: the cadre's task list, recording a visit, a baby's follow-up."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from laktasi.accounts.policy import may_message
from laktasi.core.idempotency import key_lookup as idempotency_lookup
from laktasi.followups.forms import VisitForm
from laktasi.followups.messages import whatsapp_link
from laktasi.followups.models import Problem
from laktasi.followups.rules import (
    DANGER_SIGNS,
    SAME_DAY,
    alert_level,
    day_of_life,
    min_wet_nappies,
)
from laktasi.followups.selectors import (
    baby_alerts,
    baby_visits,
    own_recall,
    task_list,
    task_state,
    visit_get,
)
from laktasi.followups.services import VISIT_KIND, VisitAlreadyRecorded, visit_record_once
from laktasi.mothers.selectors import baby_get
from laktasi.offline.outcome import offline_outcome, offline_requested
from laktasi.privacy.models import AccessAction
from laktasi.privacy.services import access_log_record

ALERT_LABELS = {
    "few_wet_nappies_counted": gettext_lazy(
        "Fewer wet nappies than the minimum for the baby's day of life"
    ),
    "weight_refer": gettext_lazy(
        "Weight: lost more than the referral threshold, or birth weight not regained: "
        "to the bidan within a day"
    ),
    "weight_assess": gettext_lazy("Weight loss from birth weight: assess breastfeeding"),
    "not_exclusive": gettext_lazy("Last recall: not exclusive breastfeeding"),
    "formula_or_prelacteal": gettext_lazy(
        "Formula, animal milk or a drink or food other than breast milk given"
    ),
    "referral": gettext_lazy("Problem that needs referral"),
    "belum_lancar": gettext_lazy("Milk not yet flowing well (belum lancar) at last check"),
    "two_missed": gettext_lazy("Two visits missed in a row"),
}
FEEDING_LABELS = {
    "exclusive": gettext_lazy("exclusive"),
    "predominant": gettext_lazy("predominant (programme category)"),
    "partial": gettext_lazy("breast milk + food or milk-based drinks (no formula)"),
    "mixed_milk": gettext_lazy("mixed milk"),
    "not_breastfed": gettext_lazy("not breastfed"),
}
STATE_LABELS = {
    "today": gettext_lazy("due"),
    "overdue": gettext_lazy("overdue"),
    "upcoming": gettext_lazy("coming up"),
    "missed": gettext_lazy("missed"),
    "done": gettext_lazy("done"),
}


def alert_label(code: str) -> str:
    """A danger sign is labelled with the sign itself; other alerts from ALERT_LABELS."""
    if code in DANGER_SIGNS:
        return str(Problem(code).label)
    return str(ALERT_LABELS[code])


def _personal_only(request) -> None:
    if not request.user.sees_personal_data:
        raise Http404


# What a phone shows next to a queued visit the server could not save, and what to do.
UNAVAILABLE = gettext_lazy(
    "You can no longer open this mother's record: she may have restricted the processing of "
    "her data, withdrawn her consent or moved. Tell the bidan, then remove this entry."
)
INVALID = gettext_lazy(
    "The server found an error in this entry. Open the visit again while online, enter it "
    "anew, then remove this entry."
)
FORM_CHANGED = gettext_lazy(
    "The visit form has changed since this entry was saved on the phone. Open the visit "
    "again while online, enter it anew, then remove this entry."
)
ALREADY_RECORDED = gettext_lazy(
    "Someone else recorded this visit meanwhile. Open the baby's page and compare; tell the "
    "bidan if your answers differ, then remove this entry."
)

LIST_LIMIT = 20  # longer "coming up" and "missed" lists open on request (?show=...)


@login_required
def task_list_view(request):
    _personal_only(request)
    tasks = task_list(user=request.user)
    show = request.GET.get("show", "")
    record_url = reverse("followups:record", args=[0])
    whatsapp_url = reverse("followups:whatsapp", args=[0])
    baby_url = reverse("followups:baby", args=[0])
    dates_text = _("due %(due)s (window %(start)s – %(end)s)")
    visit_text = _("visit %(label)s")
    groups = []
    for key, title, items in (
        ("overdue", _("Overdue"), tasks.overdue),
        ("today", _("Due today"), tasks.due_today),
        ("upcoming", _("Coming up (next 14 days)"), tasks.upcoming),
        ("missed", _("Missed"), tasks.missed),
    ):
        shown = items if key in {"overdue", "today"} or show == key else items[:LIST_LIMIT]
        for task in shown:
            visit = task.visit
            task.alert_labels = [alert_label(c) for c in task.alerts]
            task.urgent = any(alert_level(c) == SAME_DAY for c in task.alerts)
            task.state_label = STATE_LABELS[task.state]
            # Her number never goes on the page: the button asks the server for the redirect.
            has_phone = bool(visit.baby.mother.phone)
            task.whatsapp = (
                whatsapp_url.replace("/0/", f"/{visit.pk}/")
                if has_phone and task.state != "missed" and may_message(request.user)
                else ""
            )
            # Built here, not with {% url %}/{% blocktranslate %} per card: long lists stay fast.
            task.record_url = record_url.replace("/0/", f"/{visit.pk}/")
            task.baby_url = baby_url.replace("/0/", f"/{visit.baby_id}/")
            task.dates_text = dates_text % {
                "due": f"{visit.due_date:%d/%m/%Y}",
                "start": f"{visit.window_start:%d/%m/%Y}",
                "end": f"{visit.window_end:%d/%m/%Y}",
            }
            task.visit_text = visit_text % {"label": visit.label}
            # An open visit with a recall: the mother sent it from her own link.
            task.self_recall = bool(visit.recall_id)
        groups.append((key, title, shown, len(items)))
    alert_rows = [
        (baby, [alert_label(c) for c in tasks.alerts[baby.pk]]) for baby in tasks.alert_babies
    ]
    urgent_rows = [
        (baby, alert_level(codes[0]) == SAME_DAY, [alert_label(c) for c in codes])
        for baby, codes in tasks.urgent
    ]
    context = {
        "tasks": tasks,
        "groups": groups,
        "alert_rows": alert_rows,
        "urgent_rows": urgent_rows,
    }
    return render(request, "followups/tasks.html", context)


@login_required
def visit_whatsapp_view(request, pk: int):
    """Open WhatsApp with the visit's message to the mother; logged, number never on a page."""
    _personal_only(request)
    if not may_message(request.user):
        raise Http404
    visit = visit_get(user=request.user, pk=pk)
    link = whatsapp_link(visit)
    if not link:
        raise Http404
    access_log_record(user=request.user, mother=visit.baby.mother, action=AccessAction.CONTACT)
    return redirect(link)


@login_required
def visit_record_view(request, pk: int):
    _personal_only(request)
    if request.method == "POST" and offline_requested(request):
        return visit_record_offline(request, pk)
    visit = visit_get(user=request.user, pk=pk)
    if request.method == "GET":
        access_log_record(user=request.user, mother=visit.baby.mother, action=AccessAction.VIEW)
    if visit.done_on is not None:
        return redirect("followups:baby", pk=visit.baby_id)
    self_recall = own_recall(visit)
    form = VisitForm(request.POST or None, self_recall=self_recall)
    if request.method == "POST" and form.is_valid():
        try:
            _record(visit, request.user, form)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            _recorded_messages(request, form)
            return redirect("followups:tasks")
    age_today = max((timezone.localdate() - visit.baby.birth_date).days, 0)
    context = {
        "visit": visit,
        "baby": visit.baby,
        "nappy_hint": _(
            "Today the baby is on day %(day)s of life: fewer than %(n)s wet nappies in 24 hours "
            "is a danger sign."
        )
        % {"day": day_of_life(age_today), "n": min_wet_nappies(age_today)},
        "form": form,
        "recall_fields": [form[name] for name in form.recall_fields],
        "self_recall": self_recall,
    }
    return render(request, "followups/visit_form.html", context)


def _record(visit, user, form: VisitForm):
    """Record through the idempotent service: the form's key saves it once."""
    key = form.cleaned_data.get("submission_uuid") or uuid.uuid4()
    return visit_record_once(visit=visit, key=key, recorded_by=user, **form.service_kwargs())


def _recorded_messages(request, form: VisitForm) -> None:
    messages.success(request, _("Visit recorded."))
    if any(alert_level(c) == SAME_DAY for c in form.service_kwargs()["problems"]):
        messages.error(
            request,
            _("Danger sign recorded: the mother and baby must see the bidan or "
              "puskesmas today."),
        )  # fmt: skip


def visit_record_offline(request, pk: int):
    """A visit replayed from a phone's offline queue: JSON outcome (laktasi.offline.outcome).

    Same form, same service as the page; only the answer differs."""
    try:
        visit = visit_get(user=request.user, pk=pk)
    except Http404:
        return offline_outcome("conflict", reason="unavailable", message=UNAVAILABLE)
    # As on the page: a visit with the mother's own recall still needs the danger-sign check.
    form = VisitForm(request.POST, self_recall=own_recall(visit))
    if not form.is_valid() or not form.cleaned_data.get("submission_uuid"):
        return offline_outcome("invalid", reason="invalid", message=INVALID, errors=form.errors)
    baby_url = reverse("followups:baby", args=[visit.baby_id])
    key = form.cleaned_data["submission_uuid"]
    if form.version_changed and idempotency_lookup(key=key, kind=VISIT_KIND) is None:
        return offline_outcome("conflict", reason="form_changed", message=FORM_CHANGED)
    try:
        _recorded, created = _record(visit, request.user, form)
    except VisitAlreadyRecorded:
        return offline_outcome(
            "conflict", reason="already_recorded", message=ALREADY_RECORDED, url=baby_url
        )
    except ValidationError as exc:
        return offline_outcome(
            "conflict", reason="refused", message=" ".join(exc.messages), url=baby_url
        )
    return offline_outcome("created" if created else "duplicate", url=baby_url)


@login_required
def baby_followup_view(request, pk: int):
    _personal_only(request)
    baby = baby_get(user=request.user, pk=pk)
    access_log_record(user=request.user, mother=baby.mother, action=AccessAction.VIEW)
    today = timezone.localdate()
    visits = list(baby_visits(user=request.user, baby=baby))
    for visit in visits:
        visit.state = task_state(visit, today)
        visit.state_label = STATE_LABELS[visit.state]
        visit.feeding_label = FEEDING_LABELS.get(visit.feeding_status, visit.feeding_status)
        visit.problem_labels = [
            (str(Problem(p).label), p in DANGER_SIGNS) for p in visit.problems or []
        ]
    alerts = baby_alerts(babies=[baby], today=today).get(baby.pk, [])
    context = {
        "baby": baby,
        "visits": visits,
        "alerts": [alert_label(c) for c in alerts],
        "urgent": any(alert_level(c) == SAME_DAY for c in alerts),
        "age_days": (today - baby.birth_date).days,
    }
    return render(request, "followups/baby.html", context)

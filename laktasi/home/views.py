"""The home page (URL ``/``): what each user opens laktasi for.

A cadre or bidan sees today first (urgent referrals, overdue and due visits, this week's
sessions), then her programs and mothers; an administrator sees the first-day checklist until
setup is done. It sits in the top layer: it reads mothers, programs, follow-ups and setup.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from laktasi.accounts import policy
from laktasi.accounts.models import Role
from laktasi.followups.selectors import task_list
from laktasi.mothers.forms import NameSearchForm
from laktasi.mothers.selectors import mother_list, mother_search
from laktasi.programs.selectors import program_list, session_list
from laktasi.setup.checklist import setup_checklist

HOME_MOTHERS = 20
HOME_TASKS = 10  # overdue + due today on the home page; the rest on the task page
FIELD_ROLES = {Role.CADRE, Role.MIDWIFE}


def _week_bounds():
    """Monday 00:00 to next Monday 00:00, local time (Asia/Jakarta)."""
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    tz = timezone.get_current_timezone()
    start = datetime.combine(monday, time.min, tzinfo=tz)
    return start, start + timedelta(days=7)


def _today(user) -> dict:
    """Visits overdue and due today, urgent referrals and this week's sessions."""
    tasks = task_list(user=user)
    record_url = reverse("followups:record", args=[0])
    due = tasks.overdue + tasks.due_today
    for task in due:
        task.record_url = record_url.replace("/0/", f"/{task.visit.pk}/")
    start, end = _week_bounds()
    sessions = (
        session_list(user=user)
        .filter(starts_at__gte=start, starts_at__lt=end)
        .select_related("program")
        .order_by("starts_at")
    )
    return {
        "today": tasks.today,
        "urgent_count": len(tasks.urgent),
        "due_tasks": due[:HOME_TASKS],
        "due_count": len(due),
        "overdue_count": len(tasks.overdue),
        "upcoming_count": len(tasks.upcoming),
        "week_sessions": list(sessions[:20]),
    }


@login_required
def home(request):
    """No search terms in this URL: the name search is POSTed to the mother list."""
    user = request.user
    sees_names = user.sees_personal_data
    # Newest first, by primary key (indexed): ordering 5,000 rows by created_at costs 40 ms.
    mothers = mother_list(user=user).order_by("-pk") if sees_names else None
    context = {
        "programs": program_list(user=user)[:20],
        "mothers": list(mothers[:HOME_MOTHERS]) if mothers is not None else None,
        "mother_count": mothers.count() if mothers is not None else None,
        "missing_post": (
            mother_search(user=user, missing_post_test=True).count() if sees_names else None
        ),
        "search_form": NameSearchForm(),
        "may_register": policy.may_register(user),
        "may_create_program": policy.may_start_program(user),
        "field_worker": user.role in FIELD_ROLES,
    }
    if context["field_worker"]:
        context.update(_today(user))
    if user.is_administrator:
        checklist = setup_checklist()
        context["checklist"] = None if checklist.done else checklist
    return render(request, "home/home.html", context)

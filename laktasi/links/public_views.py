"""The mother's pages: no login, nothing about her but the greeting the program allows.

Every refusal (unknown token, wrong short code, closed link, no consent) says only what the
mother can act on; a forged token and a revoked one look the same. Failed look-ups count
against the address (``throttle``).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from laktasi.followups.schedule import completed_months
from laktasi.instruments import registry, scoring
from laktasi.instruments.forms import InstrumentForm, language
from laktasi.instruments.services import program_rules
from laktasi.links import throttle
from laktasi.links.forms import CodeForm, RecallAnswerForm
from laktasi.links.models import AnswerLink, Greeting
from laktasi.links.selectors import (
    answer_link_for_code,
    answer_link_for_token,
    group_link_for_token,
)
from laktasi.links.services import (
    LinkClosed,
    answer_link_mark_opened,
    answer_link_submit,
    link_settings,
)
from laktasi.links.tokens import token_for
from laktasi.materials import content
from laktasi.mothers.selectors import mother_has_consent

# The recall's own description speaks to an interviewer; the mother reads this instead.
RECALL_HELP = _(
    "Think of YESTERDAY, during the day and at night. For each food or drink, answer Yes "
    "if your baby had it, or No if not."
)
TEMPLATES = {
    "unknown": ("links/closed.html", 404),
    "expired": ("links/closed.html", 410),
    "submitted": ("links/closed.html", 200),
    "recorded": ("links/closed.html", 200),
    "unavailable": ("links/closed.html", 403),
    "busy": ("links/closed.html", 429),
}


def _danger_context(link: AnswerLink) -> dict:
    """The same-day danger signs for a recall's pages, from the checked content
    (``materials/content/danger_signs.yaml``), in the page's language."""
    if link.visit_id is None:
        return {}
    lang = language()
    guide = "materials:guide_page_en" if lang == "en" else "materials:guide_page"
    return {
        "danger": content.topic("danger_signs", lang=lang)["blocks"],
        "danger_full_url": reverse(guide) + "#bantuan",
        "danger_full_label": content.labels(lang=lang)["danger_full_list"],
    }


def _address(request) -> str:
    return request.META.get("REMOTE_ADDR", "")


def _closed(request, reason: str):
    template, status = TEMPLATES[reason]
    return render(request, template, {"reason": reason}, status=status)


def _greeting(link: AnswerLink, settings_) -> str:
    if settings_.greeting == Greeting.INITIAL and link.mother.full_name.strip():
        return link.mother.full_name.strip()[0].upper() + "."
    return ""


def _open_link(request, token: str):
    """(link, None) when the link may be shown, else (None, refusal response)."""
    address = _address(request)
    if throttle.failures_exceeded(address):
        return None, _closed(request, "busy")
    link = answer_link_for_token(token)
    if link is None:
        throttle.record_failure(address)
        return None, _closed(request, "unknown")
    if not throttle.link_request_allowed(link.token_hash):
        return None, _closed(request, "busy")
    if link.submitted_at is not None:
        return None, _closed(request, "submitted")
    if link.visit is not None and link.visit.done_on is not None:
        return None, _closed(request, "recorded")
    if link.expired():
        return None, _closed(request, "expired")
    if link.mother.restricted or not mother_has_consent(mother=link.mother):
        return None, _closed(request, "unavailable")
    return link, None


@never_cache
@require_http_methods(["GET", "POST"])
def answer_view(request, token: str):
    """One mother's form. POST stores her answers once and shows the thank-you page."""
    if request.method == "POST":
        link = answer_link_for_token(token)
        if link is not None and link.submitted_at is not None:
            # A re-send from a phone that lost its connection: the stored answers stand.
            return _thanks_or_closed(request, link)
    link, refusal = _open_link(request, token)
    if refusal is not None:
        return refusal
    definition = registry.get(link.instrument_id, link.instrument_version)
    form = _form(request, link, definition)
    if request.method == "POST" and form.is_valid():
        try:
            answer_link_submit(link=link, answers=form.answers(), submission_uuid=form.token)
        except LinkClosed as exc:
            return _closed(request, exc.reason)
        except ValidationError:
            return _closed(request, "unavailable")
        return redirect("answer:thanks", token=token)
    answer_link_mark_opened(link=link)
    options = link_settings(link.session.program)
    context = {
        "form": form,
        "definition": definition,
        "title": definition.title(language()),
        "description": RECALL_HELP if link.visit_id else definition.description(language()),
        "initial": _greeting(link, options),
        "timepoint": link.timepoint,
        "storage_key": f"laktasi-answers-{link.token_hash[:16]}",
        **_danger_context(link),
    }
    return render(request, "links/answer.html", context)


def _form(request, link: AnswerLink, definition):
    if link.visit is None:
        return InstrumentForm(request.POST or None, definition=definition)
    age = completed_months(link.visit.baby.birth_date, timezone.localdate())
    return RecallAnswerForm(request.POST or None, definition=definition, age_months=age)


def _thanks_or_closed(request, link: AnswerLink):
    if request.method == "POST":
        return redirect("answer:thanks", token=request.resolver_match.kwargs["token"])
    return _closed(request, "submitted")


@never_cache
def thanks_view(request, token: str):
    """After sending: thanks, and her score or the answers only where the program allows."""
    address = _address(request)
    if throttle.failures_exceeded(address):
        return _closed(request, "busy")
    link = answer_link_for_token(token)
    if link is None or link.submitted_at is None or link.response is None:
        throttle.record_failure(address)
        return _closed(request, "unknown")
    options = link_settings(link.session.program)
    definition = registry.get(link.instrument_id, link.instrument_version)
    response = link.response
    context = {"show_score": False, "answers": [], **_danger_context(link)}
    if options.show_score and response.score_pct is not None:
        rules = program_rules(program=link.session.program, instrument=definition)
        result = scoring.score(definition, response.answers, rules=rules or None)
        context.update(
            show_score=True,
            score_pct=response.score_pct,
            category=result.category_label(language()),
        )
    if options.show_answers_after_post and link.timepoint == "post":
        context["answers"] = _key_rows(definition, response.answers)
    return render(request, "links/thanks.html", context)


def _key_rows(definition, answers: dict) -> list[dict]:
    """Each knowledge item with her answer, the right one and why (post-test only)."""
    if definition.kind != "knowledge":
        return []
    lang = language()
    rows = []
    for n, item in enumerate(definition.items, start=1):
        expected = "true" if item.key else "false"
        rows.append(
            {
                "n": n,
                "label": item.label_for(lang),
                "right": answers.get(item.id) == expected,
                "key": item.choice(expected).label.get(lang),
                "rationale": item.rationale.get(lang) if item.rationale else "",
            }
        )
    return rows


@never_cache
@require_http_methods(["GET", "POST"])
def group_view(request, token: str):
    """The room's QR: each mother types the short code from her card and gets her own form."""
    address = _address(request)
    if throttle.failures_exceeded(address):
        return _closed(request, "busy")
    group = group_link_for_token(token)
    if group is None:
        throttle.record_failure(address)
        return _closed(request, "unknown")
    if group.expired():
        return _closed(request, "expired")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        link = answer_link_for_code(group, form.cleaned_data["code"])
        if link is not None:
            return redirect(reverse("answer:form", args=[token_for(link.salt)]))
        throttle.record_failure(address)
        form.add_error("code", form.unknown_message())
    definition = registry.get(group.instrument_id)
    context = {"form": form, "title": definition.title(language())}
    return render(request, "links/group.html", context)

"""Staff pages: make links for a session's form, print the QR cards, share by WhatsApp,
watch who has sent (htmx polling), reopen a sent link, and the room's group QR.

Sessions and mothers come through the scoped selectors: a kader sees and makes links only
for her own posyandu's mothers.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from laktasi.accounts import policy
from laktasi.accounts.guards import require_personal_access
from laktasi.core.exporting import export
from laktasi.instruments import registry
from laktasi.instruments.forms import language
from laktasi.jobs.files import file_deliver
from laktasi.links import messages as wa
from laktasi.links import sheet
from laktasi.links.exports import KIND as ANSWER_LINKS
from laktasi.links.exports import SessionLinks
from laktasi.links.forms import ChooseForm, SettingsForm
from laktasi.links.models import AnswerLink
from laktasi.links.selectors import session_link_forms, session_link_rows, session_mothers
from laktasi.links.services import (
    answer_link_reopen,
    answer_links_issue,
    group_link_get_or_create,
    is_self_form,
    link_settings,
    link_settings_save,
    may_change_link_settings,
)
from laktasi.privacy.models import AccessAction
from laktasi.privacy.services import access_log_record
from laktasi.programs.selectors import program_get, session_get


def _chosen(request) -> tuple[str, str] | None:
    instrument = request.GET.get("instrument") or request.POST.get("instrument", "")
    timepoint = request.GET.get("timepoint") or request.POST.get("timepoint", "")
    if is_self_form(instrument, timepoint):
        return instrument, timepoint
    return None


def _page_url(session, instrument: str, timepoint: str) -> str:
    query = urlencode({"instrument": instrument, "timepoint": timepoint})
    return f"{reverse('links:session', args=[session.pk])}?{query}"


def _base_url(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _rows(request, session, instrument, timepoint):
    base = _base_url(request)
    may_message = policy.may_message(request.user)
    rows = []
    for row in session_link_rows(
        user=request.user, session=session, instrument_id=instrument, timepoint=timepoint
    ):
        url = sheet.answer_url(base, row.link) if row.link else ""
        # Her number never goes on the page: the button asks the server for the redirect.
        share = (
            reverse("links:whatsapp", args=[row.link.pk])
            if row.link and row.link.submitted_at is None and row.mother.phone and may_message
            else ""
        )
        rows.append({"mother": row.mother, "link": row.link, "url": url, "whatsapp": share})
    return rows


def _status_context(request, session, instrument, timepoint):
    rows = _rows(request, session, instrument, timepoint)
    sent = sum(1 for r in rows if r["link"] and r["link"].submitted_at)
    return {
        "session": session,
        "instrument": instrument,
        "timepoint": timepoint,
        "rows": rows,
        "sent": sent,
        "with_link": sum(1 for r in rows if r["link"]),
        "total": len(rows),
    }


@login_required
def session_links_view(request, pk: int):
    """Choose a form; then the mothers with their links and who has sent."""
    require_personal_access(request)
    session = session_get(user=request.user, pk=pk)
    chosen = _chosen(request)
    initial = {"instrument": chosen[0], "timepoint": chosen[1]} if chosen else {}
    context = {
        "session": session,
        "choose": ChooseForm(initial=initial),
        "existing": [
            {
                "url": _page_url(session, iid, tp),
                "title": registry.get(iid).title(language()),
                "timepoint": tp,
            }
            for iid, tp in session_link_forms(session=session)
        ],
    }
    if may_change_link_settings(request.user):
        context["settings_form"] = SettingsForm(instance=link_settings(session.program))
    if chosen:
        context.update(_status_context(request, session, *chosen))
        context["form_title"] = registry.get(chosen[0]).title(language())
        context["query"] = urlencode({"instrument": chosen[0], "timepoint": chosen[1]})
    if request.htmx and chosen:
        return render(request, "links/session.html#status", context)
    return render(request, "links/session.html", context)


@login_required
@require_POST
def session_links_issue_view(request, pk: int):
    require_personal_access(request)
    session = session_get(user=request.user, pk=pk)
    chosen = _chosen(request)
    if chosen is None:
        messages.error(
            request,
            _(
                "Choose a form and the pre-test or post-test (the 24-hour recall: "
                "follow-up contact)."
            ),
        )
        return redirect("links:session", pk=session.pk)
    try:
        result = answer_links_issue(
            session=session,
            mothers=session_mothers(user=request.user, session=session),
            instrument_id=chosen[0],
            timepoint=chosen[1],
            by=request.user,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("links:session", pk=session.pk)
    messages.success(
        request,
        ngettext("%(count)s new link made.", "%(count)s new links made.", result.created)
        % {"count": result.created},
    )
    if result.skipped_no_consent:
        messages.warning(
            request,
            ngettext(
                "%(count)s mother has no consent in force (or restricted her data): no link.",
                "%(count)s mothers have no consent in force (or restricted their data): no link.",
                result.skipped_no_consent,
            )
            % {"count": result.skipped_no_consent},
        )
    if result.skipped_answered:
        messages.info(
            request,
            ngettext(
                "%(count)s mother already has this form recorded: no link.",
                "%(count)s mothers already have this form recorded: no link.",
                result.skipped_answered,
            )
            % {"count": result.skipped_answered},
        )
    if result.skipped_no_visit:
        messages.info(
            request,
            ngettext(
                "%(count)s mother has no follow-up visit due now: no recall link.",
                "%(count)s mothers have no follow-up visit due now: no recall link.",
                result.skipped_no_visit,
            )
            % {"count": result.skipped_no_visit},
        )
    return redirect(_page_url(session, *chosen))


def _download(name: str, content_type: str, content: bytes) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


def _links(request, session, chosen):
    rows = session_link_rows(
        user=request.user, session=session, instrument_id=chosen[0], timepoint=chosen[1]
    )
    return [r.link for r in rows if r.link is not None]


@login_required
def session_links_sheet_view(request, pk: int):
    """The QR cards as an A4 PDF (only links not yet sent)."""
    require_personal_access(request)
    session = session_get(user=request.user, pk=pk)
    chosen = _chosen(request)
    if chosen is None:
        return redirect("links:session", pk=session.pk)
    # Made on the job queue (laktasi.links.generated), as this user: sent at once when quick.
    params = {"session": session.pk, "instrument": chosen[0], "timepoint": chosen[1],
              "base_url": _base_url(request)}  # fmt: skip
    return file_deliver(request, kind="qr_sheet", params=params)


@login_required
def session_links_csv_view(request, pk: int):
    require_personal_access(request)
    session = session_get(user=request.user, pk=pk)
    chosen = _chosen(request)
    if chosen is None:
        return redirect("links:session", pk=session.pk)
    subject = SessionLinks(session, *chosen, _links(request, session, chosen), _base_url(request))
    return _download(*export(ANSWER_LINKS, subject, fmt="csv"))


@login_required
def session_links_group_view(request, pk: int):
    """One big QR for the projector; mothers type the code from their card."""
    require_personal_access(request)
    session = session_get(user=request.user, pk=pk)
    chosen = _chosen(request)
    if chosen is None:
        return redirect("links:session", pk=session.pk)
    try:
        group = group_link_get_or_create(
            session=session, instrument_id=chosen[0], timepoint=chosen[1]
        )
    except ValidationError as exc:
        raise Http404("not a self-filled form") from exc
    url = sheet.group_url(_base_url(request), group)
    context = {
        "session": session,
        "url": url,
        "qr": sheet.qr_svg(url, scale=1),
        "form_title": registry.get(chosen[0]).title(language()),
        "timepoint": chosen[1],
        "back": _page_url(session, *chosen),
    }
    return render(request, "links/group_projector.html", context)


@login_required
@require_POST
def program_link_settings_view(request, pk: int):
    """Save what the mothers' pages show (greeting, score, correct answers after the post)."""
    require_personal_access(request)
    program = program_get(user=request.user, pk=pk)
    if not may_change_link_settings(request.user):
        raise Http404
    form = SettingsForm(request.POST, instance=link_settings(program))
    if form.is_valid():
        link_settings_save(program=program, **form.cleaned_data)
        messages.success(request, _("Saved."))
    else:
        messages.error(request, _("Please check the choices."))
    back = request.POST.get("session", "")
    if back.isdigit():
        return redirect("links:session", pk=session_get(user=request.user, pk=back).pk)
    return redirect("programs:detail", pk=program.pk)


def _link_in_scope(request, answerlink_pk: int) -> AnswerLink:
    link = AnswerLink.objects.select_related("session", "mother").filter(pk=answerlink_pk).first()
    if link is None:
        raise Http404
    session = session_get(user=request.user, pk=link.session_id)
    if link.mother_id not in {m.pk for m in session_mothers(user=request.user, session=session)}:
        raise Http404
    return link


@login_required
def answer_link_whatsapp_view(request, answerlink_pk: int):
    """Open WhatsApp with her link; logged, her number never written on a page."""
    require_personal_access(request)
    if not policy.may_message(request.user):
        raise Http404
    link = _link_in_scope(request, answerlink_pk)
    target = wa.whatsapp_link(
        phone=link.mother.phone,
        instrument_id=link.instrument_id,
        timepoint=link.timepoint,
        url=sheet.answer_url(_base_url(request), link),
    )
    if not target or link.submitted_at is not None:
        raise Http404
    access_log_record(user=request.user, mother=link.mother, action=AccessAction.CONTACT)
    return redirect(target)


@login_required
@require_POST
def answer_link_reopen_view(request, answerlink_pk: int):
    """Let a mother send again; logged (LinkEvent) with who reopened it."""
    require_personal_access(request)
    link = _link_in_scope(request, answerlink_pk)
    try:
        answer_link_reopen(link=link, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(_page_url(link.session, link.instrument_id, link.timepoint))
    messages.success(request, _("The link is open again: she can send her answers once more."))
    return redirect(_page_url(link.session, link.instrument_id, link.timepoint))

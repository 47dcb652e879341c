"""Materials pages: phone guide (public, offline), facilitator's guide, leaflets, videos, Q&A.

Public: the phone step-by-step guide and its service worker (mothers and husbands open them
from the leaflet's QR code) and the Q&A knowledge base (a health question is not personal
data). Everything program-specific goes through ``program_get`` (out of scope = 404).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from laktasi.core.exporting import export
from laktasi.jobs.files import file_deliver
from laktasi.materials import content, redflags
from laktasi.materials.exports import GUIDE, LEAFLET, SIGNOFF
from laktasi.materials.forms import LeafletForm, ProgramVideoForm
from laktasi.materials.guide import render_facilitator_guide_html
from laktasi.materials.guide_page import guide_page_context, service_worker_source
from laktasi.materials.leaflet import LeafletFooter
from laktasi.materials.selectors import (
    can_upload_video,
    guide_page_url,
    program_video_get,
    program_video_list,
    qa_list,
    qa_search,
)
from laktasi.materials.services import program_video_create
from laktasi.materials.signoff import render_signoff_html
from laktasi.materials.streaming import ranged_file_response
from laktasi.programs.selectors import program_get


def _lang(request) -> str:
    """``?lang=`` when given, else the interface language (id or en)."""
    lang = request.GET.get("lang") or translation.get_language() or "id"
    return "en" if lang.startswith("en") else "id"


def _download(filename: str, content_type: str, data: bytes) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _leaflet_choice(request) -> tuple[str, str]:
    form = LeafletForm(request.GET or None)
    if request.GET and not form.is_valid():
        raise Http404("unknown leaflet language or format")
    data = form.cleaned_data if request.GET else {}
    return data.get("lang") or _lang(request), data.get("format") or "a4-trifold"


# --- index ---------------------------------------------------------------------------------


def index_view(request):
    return render(request, "materials/index.html", {"formats": ["a4-trifold", "a5-booklet"]})


# --- phone guide (public, offline) ---------------------------------------------------------


@require_GET
def guide_page_view(request, lang: str = "id"):
    other = "materials:guide_page" if lang == "en" else "materials:guide_page_en"
    context = guide_page_context(
        lang=lang,
        static=static,
        sw_url=reverse("materials:guide_sw"),
        other_lang_url=reverse(other),
    )
    return render(request, "materials/guide_page.html", context)


@require_GET
@cache_control(no_cache=True)
def guide_sw_view(request):
    response = HttpResponse(service_worker_source(), content_type="application/javascript")
    response["Service-Worker-Allowed"] = reverse("materials:guide_page")
    return response


# --- facilitator's guide -------------------------------------------------------------------


@login_required
def guide_view(request):
    # settings.STATIC_URL carries the script prefix ("/static/").
    html = render_facilitator_guide_html(lang=_lang(request), static_url=settings.STATIC_URL)
    return HttpResponse(html)


@login_required
def guide_pdf_view(request):
    return _download(*export(GUIDE, None, fmt="pdf", lang=_lang(request)))


# --- content sign-off --------------------------------------------------------------------


@login_required
def signoff_view(request):
    """Every content block with its FACTS reference, label and review flag (for the midwife)."""
    return HttpResponse(render_signoff_html(lang=_lang(request), static_url=settings.STATIC_URL))


@login_required
def signoff_pdf_view(request):
    return _download(*export(SIGNOFF, None, fmt="pdf", lang=_lang(request)))


# --- leaflets ------------------------------------------------------------------------------


@login_required
def leaflet_view(request):
    """The leaflet without a local footer; its QR code opens the phone guide."""
    lang, layout = _leaflet_choice(request)
    footer = LeafletFooter(facility_name="", midwife_name="", midwife_phone="",
                           posyandu_schedule="", qr_url=guide_page_url(lang=lang))  # fmt: skip
    return _download(*export(LEAFLET, footer, fmt="pdf", lang=lang, layout=layout))


@login_required
def program_leaflet_view(request, pk: int):
    """A program's leaflet: its facility, midwife and schedule, QR to its video or the guide."""
    program = program_get(user=request.user, pk=pk)
    lang, fmt = _leaflet_choice(request)
    # Made on the job queue (laktasi.materials.generated): sent at once when quick.
    params = {"program": program.pk, "lang": lang, "fmt": fmt}
    return file_deliver(request, kind="program_leaflet", params=params)


# --- videos --------------------------------------------------------------------------------


@login_required
def program_videos_view(request, pk: int):
    """The program's videos, and the upload form for coordinators and midwives."""
    program = program_get(user=request.user, pk=pk)
    may_upload = can_upload_video(user=request.user)
    form = None
    if may_upload:
        form = ProgramVideoForm(request.POST or None, request.FILES or None, program=program)
        if request.method == "POST" and form.is_valid():
            try:
                program_video_create(program=program, uploaded_by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("The video was saved."))
                return redirect("materials:program_videos", pk=program.pk)
    elif request.method == "POST":
        raise PermissionDenied
    context = {
        "program": program,
        "videos": program_video_list(user=request.user, program=program),
        "form": form,
        "max_mb": settings.LAKTASI_MAX_VIDEO_MB,
    }
    return render(request, "materials/program_videos.html", context)


@login_required
@require_GET
def video_view(request, pk: int):
    """Stream an uploaded program video, honouring a single HTTP Range."""
    video = program_video_get(user=request.user, pk=pk)
    if not video.file:
        return redirect(video.url)
    return ranged_file_response(
        video.file,
        range_header=request.headers.get("Range", ""),
        content_type=video.content_type,
    )


# --- Q&A -----------------------------------------------------------------------------------


def _qa_context(request) -> dict:
    query = request.GET.get("q", "").strip()[:200]
    lang = _lang(request)
    flag = redflags.danger_signs(query) if query else None
    return {
        "q": query,
        "lang": lang,
        "results": qa_search(query=query, lang=lang) if query else [],
        "danger": content.topic("danger_signs", lang=lang)["blocks"]["banner"] if flag else None,
    }


@require_GET
def qa_view(request):
    """Public Q&A page: search, or every entry when there is no query."""
    context = _qa_context(request)
    if not context["q"]:
        context["entries"] = qa_list(lang=context["lang"])
    if request.htmx:
        return render(request, "materials/_qa_results.html", context)
    return render(request, "materials/qa.html", context)


@require_GET
def qa_search_view(request):
    """The search-box fragment for the consultation page (htmx); without htmx, the Q&A page."""
    if not request.htmx:
        url = reverse("materials:qa")
        return redirect(f"{url}?{request.GET.urlencode()}" if request.GET else url)
    return render(request, "materials/_qa_results.html", _qa_context(request))

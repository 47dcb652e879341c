"""Installable app and offline copy: manifest, service worker, sync list, offline page."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseNotModified, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from laktasi.offline.forms import OfflineFacilitiesForm
from laktasi.offline.identity import cache_id, offline_enabled
from laktasi.offline.selectors import offline_facility_ids, sync_manifest
from laktasi.offline.services import offline_facilities_set

STATIC_DIR = Path(__file__).resolve().parent / "static" / "offline"


@require_GET
def manifest_view(request):
    """The web app manifest: "Tambahkan ke layar utama" opens the cadre's task list."""
    data = {
        "name": _("laktasi: breastfeeding field work"),
        "short_name": "laktasi",
        "lang": "id",
        "start_url": reverse("followups:tasks"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#1f6f5c",
        "icons": [
            {"src": static(f"offline/icon-{n}.png"), "sizes": f"{n}x{n}", "type": "image/png"}
            for n in (192, 512)
        ]
        + [
            {
                "src": static("offline/icon-maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            }
        ],
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    response["Cache-Control"] = "public, max-age=3600"
    return response


@require_GET
def service_worker_view(request):
    """The service worker, from the site root so that its scope is the whole site."""
    source = (STATIC_DIR / "sw.js").read_text(encoding="utf-8")
    response = HttpResponse(source, content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    # The browser must look for a new worker at every visit, never keep a stale one.
    response["Cache-Control"] = "no-cache"
    return response


@never_cache
@require_GET
@login_required
def sync_view(request):
    """The pages of her scope to cache on her phone, with an ETag (304 when unchanged)."""
    if not offline_enabled(request.user):
        raise Http404
    manifest = sync_manifest(user=request.user)
    etag = f'"{manifest.etag}"'
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponseNotModified()
        response["ETag"] = etag
        return response
    response = JsonResponse(
        {
            "user": cache_id(request.user),
            "generated_at": timezone.now().isoformat(),
            "expires_days": settings.LAKTASI_OFFLINE_DAYS,
            "offline_page": reverse("offline:page"),
            "facilities": manifest.facilities,
            "urls": manifest.urls,
        }
    )
    response["ETag"] = etag
    return response


@require_GET
def offline_page_view(request):
    """Shown by the service worker when a page was not cached (no personal data)."""
    return render(request, "offline/offline.html")


@require_http_methods(["GET", "POST"])
@login_required
def facilities_view(request):
    """Her choice of the facilities (posyandu) whose pages go on her phone."""
    if not offline_enabled(request.user):
        raise Http404
    chosen = offline_facility_ids(user=request.user) or set()
    form = OfflineFacilitiesForm(
        request.POST if request.method == "POST" else None,
        user=request.user,
        initial={"facilities": sorted(chosen)},
    )
    if request.method == "POST" and form.is_valid():
        picked = [f.pk for f in form.cleaned_data["facilities"]]
        try:
            offline_facilities_set(user=request.user, facility_ids=picked)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Saved. The phone now syncs the pages of your choice."))
            # The next page load syncs at once (offline-sync.js reads data-offline-resync).
            return redirect(f"{reverse('offline:facilities')}?sinkron=1")
    context = {"form": form, "resync": request.GET.get("sinkron") == "1"}
    return render(request, "offline/facilities.html", context)

"""URL map: one include per app."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language

from laktasi.home import views as home_views
from laktasi.jobs import health, metrics

admin.site.site_header = "laktasi"
admin.site.site_title = "laktasi"

urlpatterns = [
    path("", home_views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", metrics.metrics_view, name="metrics"),
    path("pekerjaan/", include("laktasi.jobs.urls")),
    path("masuk/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("bahasa/", set_language, name="set_language"),
    path("ibu/", include("laktasi.mothers.urls")),
    path("program/", include("laktasi.programs.urls")),
    path("instrumen/", include("laktasi.instruments.urls")),
    path("tautan/", include("laktasi.links.urls")),
    path("isi/", include("laktasi.links.public_urls")),
    path("kunjungan/", include("laktasi.followups.urls")),
    path("materi/", include("laktasi.materials.urls")),
    path("impor/", include("laktasi.imports.urls")),
    path("laporan/", include("laktasi.reports.urls")),
    path("dasbor/", include("laktasi.dashboards.urls")),
    path("akun/", include("laktasi.accounts.urls")),
    path("privasi/", include("laktasi.privacy.urls")),
    path("satusehat/", include("laktasi.satusehat.urls")),
    path("pengaturan/", include("laktasi.setup.urls")),
    path("api/", include("laktasi.api.urls")),
    path("", include("laktasi.offline.urls")),
    path("admin/", admin.site.urls),
]

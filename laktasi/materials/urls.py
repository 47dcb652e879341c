"""Materials URLs (under /materi/). Only pks in paths; a Q&A query is not personal data."""

from django.urls import path

from laktasi.materials import views

app_name = "materials"
urlpatterns = [
    path("", views.index_view, name="index"),
    path("panduan/", views.guide_page_view, {"lang": "id"}, name="guide_page"),
    path("panduan/en/", views.guide_page_view, {"lang": "en"}, name="guide_page_en"),
    path("panduan/sw.js", views.guide_sw_view, name="guide_sw"),
    path("panduan-fasilitator/", views.guide_view, name="guide"),
    path("panduan-fasilitator/pdf/", views.guide_pdf_view, name="guide_pdf"),
    path("tinjauan-konten/", views.signoff_view, name="signoff"),
    path("tinjauan-konten/pdf/", views.signoff_pdf_view, name="signoff_pdf"),
    path("leaflet/", views.leaflet_view, name="leaflet"),
    path("program/<int:pk>/leaflet/", views.program_leaflet_view, name="program_leaflet"),
    path("program/<int:pk>/video/", views.program_videos_view, name="program_videos"),
    path("video/<int:pk>/", views.video_view, name="video"),
    path("tanya-jawab/", views.qa_view, name="qa"),
    path("tanya-jawab/cari/", views.qa_search_view, name="qa_search"),
]

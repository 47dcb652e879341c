from django.urls import path

from laktasi.privacy import views

app_name = "privacy"
urlpatterns = [
    path("ibu/<int:pk>/", views.privacy_view, name="mother"),
    path("ibu/<int:pk>/ekspor.json", views.export_json_view, name="export_json"),
    path("ibu/<int:pk>/ekspor.pdf", views.export_pdf_view, name="export_pdf"),
    path("ibu/<int:pk>/riwayat/", views.history_view, name="history"),
    path("ibu/<int:pk>/batasi/", views.restrict_view, name="restrict"),
    path("ibu/<int:pk>/hapus/", views.erase_view, name="erase"),
]

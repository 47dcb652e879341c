from django.urls import path

from laktasi.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.import_index_view, name="index"),
    path("<int:pk>/", views.import_detail_view, name="detail"),
    path("<int:pk>/simpan/", views.import_commit_view, name="commit"),
    path("<int:pk>/kemajuan/", views.import_progress_view, name="progress"),
    path("<int:pk>/ditolak.xlsx", views.import_rejected_view, name="rejected"),
    path("template/<str:kind>/", views.import_template_view, name="template"),
]

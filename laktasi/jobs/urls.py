from django.urls import path

from laktasi.jobs import views

app_name = "jobs"
urlpatterns = [
    path("", views.jobs_view, name="index"),
    path("berkas/<int:pk>/", views.file_view, name="file"),
    path("berkas/<int:pk>/unduh/", views.file_download_view, name="file_download"),
]

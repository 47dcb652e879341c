from django.urls import path

from laktasi.imports import views
from laktasi.imports.mapping import views as mapping_views
from laktasi.imports.pull import views as pull_views

app_name = "imports"
urlpatterns = [
    path("", views.import_index_view, name="index"),
    path("<int:pk>/", views.import_detail_view, name="detail"),
    path("<int:pk>/simpan/", views.import_commit_view, name="commit"),
    path("<int:pk>/kemajuan/", views.import_progress_view, name="progress"),
    path("<int:pk>/ditolak.xlsx", views.import_rejected_view, name="rejected"),
    path("template/<str:kind>/", views.import_template_view, name="template"),
    path("petakan/", mapping_views.mapping_upload_view, name="mapping_upload"),
    path("<int:pk>/petakan/", mapping_views.mapping_view, name="mapping"),
    path("server/", pull_views.servers_view, name="servers"),
    path("server/baru/", pull_views.server_edit_view, name="server_add"),
    path("server/<int:pk>/ubah/", pull_views.server_edit_view, name="server_edit"),
    path("server/<int:pk>/tarik/", pull_views.server_pull_view, name="server_pull"),
    path("server/<int:pk>/hapus/", pull_views.server_delete_view, name="server_delete"),
]

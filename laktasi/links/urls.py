"""Staff pages of the answer links (mounted at /tautan/)."""

from django.urls import path

from laktasi.links import views

app_name = "links"
urlpatterns = [
    path("sesi/<int:pk>/", views.session_links_view, name="session"),
    path("sesi/<int:pk>/buat/", views.session_links_issue_view, name="issue"),
    path("sesi/<int:pk>/kartu.pdf", views.session_links_sheet_view, name="sheet"),
    path("sesi/<int:pk>/tautan.csv", views.session_links_csv_view, name="csv"),
    path("sesi/<int:pk>/grup/", views.session_links_group_view, name="group"),
    path("program/<int:pk>/pengaturan/", views.program_link_settings_view, name="settings"),
    path("<int:answerlink_pk>/wa/", views.answer_link_whatsapp_view, name="whatsapp"),
    path("<int:answerlink_pk>/buka-lagi/", views.answer_link_reopen_view, name="reopen"),
]

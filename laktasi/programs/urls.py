from django.urls import path

from laktasi.programs import views

app_name = "programs"
urlpatterns = [
    path("", views.program_list_view, name="list"),
    path("<int:pk>/", views.program_detail_view, name="detail"),
    path("<int:pk>/daftar-ibu/", views.program_register_mother_view, name="register_mother"),
    path("sesi/<int:pk>/", views.session_detail_view, name="session"),
    path(
        "sesi/<int:pk>/hadir/<int:mother_pk>/",
        views.attendance_toggle_view,
        name="attendance_toggle",
    ),
    path("ibu/<int:mother_pk>/ikut/", views.enrol_view, name="enrol"),
    path("ibu/<int:mother_pk>/konsultasi/", views.consultation_add_view, name="consultation_add"),
    path("konsultasi/<int:pk>/", views.consultation_detail_view, name="consultation"),
]

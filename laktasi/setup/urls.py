from django.urls import path

from laktasi.setup import views

app_name = "setup"
urlpatterns = [
    path("", views.setup_index_view, name="index"),
    path("fasilitas/baru/", views.facility_new_view, name="facility_new"),
    path("staf/", views.staff_view, name="staff"),
    path("staf/<int:user_pk>/nonaktifkan/", views.staff_deactivate_view, name="staff_deactivate"),
    path("staf/<int:user_pk>/pindah/", views.staff_move_view, name="staff_move"),
    path("undangan/wa/", views.invitation_whatsapp_view, name="invitation_whatsapp"),
    path("program/baru/", views.program_new_view, name="program_new"),
]

from django.urls import path

from laktasi.followups import views

app_name = "followups"
urlpatterns = [
    path("tugas/", views.task_list_view, name="tasks"),
    path("<int:pk>/catat/", views.visit_record_view, name="record"),
    path("<int:pk>/wa/", views.visit_whatsapp_view, name="whatsapp"),
    path("bayi/<int:pk>/", views.baby_followup_view, name="baby"),
]

from django.urls import path

from laktasi.followups import views

app_name = "followups"
urlpatterns = [
    path("tugas/", views.task_list_view, name="tasks"),
    path("<int:pk>/catat/", views.visit_record_view, name="record"),
    path("bayi/<int:pk>/", views.baby_followup_view, name="baby"),
]

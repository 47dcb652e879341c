from django.urls import path

from laktasi.jobs import views

app_name = "jobs"
urlpatterns = [path("", views.jobs_view, name="index")]

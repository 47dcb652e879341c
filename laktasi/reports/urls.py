from django.urls import path

from laktasi.reports import views

app_name = "reports"
urlpatterns = [
    path("program/<int:pk>/", views.program_report_view, name="program"),
    path("gabungan/", views.pooled_view, name="pooled"),
]

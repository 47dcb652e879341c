from django.urls import path

from laktasi.dashboards import views

app_name = "dashboards"
urlpatterns = [
    path("", views.dashboard_view, name="index"),
    path("unduh/<str:table>.<str:fmt>", views.download_view, name="download"),
]

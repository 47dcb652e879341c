from django.urls import path

from laktasi.satusehat import views

app_name = "satusehat"
urlpatterns = [
    path("", views.facility_list_view, name="list"),
    path("fasilitas/<int:pk>/", views.facility_view, name="facility"),
    path("fasilitas/<int:pk>/nik/", views.nik_view, name="nik"),
    path("fasilitas/<int:pk>/kirim/", views.send_now_view, name="send"),
]

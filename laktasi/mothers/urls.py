from django.urls import path

from laktasi.mothers import views

app_name = "mothers"
urlpatterns = [
    path("", views.mother_list_view, name="list"),
    path("cari/", views.mother_search_view, name="search"),
    path("daftar/", views.mother_register_view, name="register"),
    path("desa/", views.village_search_view, name="village_search"),
    path("<int:pk>/", views.mother_detail_view, name="detail"),
    path("<int:pk>/ubah/", views.mother_edit_view, name="edit"),
]

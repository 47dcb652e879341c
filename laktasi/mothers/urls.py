from django.urls import path

from laktasi.mothers import views

app_name = "mothers"
urlpatterns = [
    path("", views.mother_list_view, name="list"),
    path("<int:pk>/", views.mother_detail_view, name="detail"),
]

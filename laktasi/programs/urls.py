from django.urls import path

from laktasi.programs import views

app_name = "programs"
urlpatterns = [
    path("", views.program_list_view, name="list"),
    path("<int:pk>/", views.program_detail_view, name="detail"),
]

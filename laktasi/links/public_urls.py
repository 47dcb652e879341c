"""The mothers' pages (mounted at /isi/): no login; the token is the only key."""

from django.urls import path

from laktasi.links import public_views

app_name = "answer"
urlpatterns = [
    path("grup/<str:token>/", public_views.group_view, name="group"),
    path("<str:token>/", public_views.answer_view, name="form"),
    path("<str:token>/selesai/", public_views.thanks_view, name="thanks"),
]

"""Root-level URLs: a service worker's scope is the folder it is served from."""

from django.urls import path

from laktasi.offline import views

app_name = "offline"
urlpatterns = [
    path("manifest.webmanifest", views.manifest_view, name="manifest"),
    path("sw.js", views.service_worker_view, name="service_worker"),
    path("sinkron/", views.sync_view, name="sync"),
    path("sinkron/posyandu/", views.facilities_view, name="facilities"),
    path("luring/", views.offline_page_view, name="page"),
]

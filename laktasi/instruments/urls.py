from django.urls import path

from laktasi.instruments import paper, views

app_name = "instruments"
urlpatterns = [
    path("formulir/", paper.catalogue_view, name="catalogue"),
    path("formulir/<slug:instrument_id>/cetak/", paper.paper_view, name="paper"),
    path("formulir/<slug:instrument_id>/xlsform/", paper.xlsform_view, name="xlsform"),
    path("ibu/<int:mother_pk>/", views.choose_view, name="choose"),
    path(
        "ibu/<int:mother_pk>/<slug:instrument_id>/<slug:timepoint>/",
        views.fill_view,
        name="fill",
    ),
    path("jawaban/<int:pk>/", views.response_detail_view, name="response"),
    path("jawaban/<int:pk>/ubah/", views.response_edit_view, name="edit"),
    path("program/<int:program_pk>/", views.matrix_view, name="matrix"),
]

"""/api/: the REST API (docs at /api/docs) and the web pages that manage API tokens."""

from django.urls import path

from laktasi.api import views
from laktasi.api.api import api

urlpatterns = [
    path("token/", views.token_list_view, name="api_tokens"),
    path("token/<int:pk>/cabut/", views.token_revoke_view, name="api_token_revoke"),
    path("", api.urls),
]

from django.urls import path

from laktasi.accounts import invitation_views, views

app_name = "accounts"
urlpatterns = [
    path("2fa/pasang/", views.otp_setup_view, name="otp_setup"),
    path("2fa/verifikasi/", views.otp_verify_view, name="otp_verify"),
    path("undangan/", invitation_views.invitation_issue_view, name="invitation_issue"),
    path(
        "undangan/<int:pk>/cabut/",
        invitation_views.invitation_revoke_view,
        name="invitation_revoke",
    ),
    path("undangan/terima/<str:token>/", invitation_views.invitation_accept_view, name="invite"),
]

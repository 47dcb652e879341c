from django.urls import path

from laktasi.accounts import views

app_name = "accounts"
urlpatterns = [
    path("2fa/pasang/", views.otp_setup_view, name="otp_setup"),
    path("2fa/verifikasi/", views.otp_verify_view, name="otp_verify"),
]

from django.apps import AppConfig


class FollowupsConfig(AppConfig):
    name = "laktasi.followups"
    label = "followups"

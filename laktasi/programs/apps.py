from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "laktasi.programs"
    label = "programs"

    def ready(self) -> None:
        # Feed the mother's timeline (mothers cannot import programs: it sits below it).
        from laktasi.mothers import timeline
        from laktasi.programs.timeline import attendance_events, consultation_events

        timeline.register("attendance", attendance_events)
        timeline.register("consultations", consultation_events)

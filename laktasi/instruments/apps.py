from django.apps import AppConfig


class InstrumentsConfig(AppConfig):
    name = "laktasi.instruments"
    label = "instruments"

    def ready(self) -> None:
        # Feed the mother's timeline and the mother list's category filter.
        from laktasi.instruments.timeline import response_events, result_categories
        from laktasi.mothers import timeline

        timeline.register("responses", response_events)
        timeline.register_categories("instruments", result_categories)

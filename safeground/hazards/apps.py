from django.apps import AppConfig


class HazardsConfig(AppConfig):
    name = "safeground.hazards"
    label = "hazards"
    verbose_name = "Hazards"

    def ready(self):
        from safeground.gazetteer.signals import programme_changed
        from safeground.hazards import services

        def keep_point_areas_current(sender, programme, fields=(), **kwargs):
            # A point hazard's stored area follows its programme's `point_radius_area` (π r² or 0).
            if "point_radius_area" in fields:
                services.refresh_point_areas(programme.iso3, reason="programme point_radius_area changed")

        programme_changed.connect(keep_point_areas_current, weak=False, dispatch_uid="hazards.point_areas")

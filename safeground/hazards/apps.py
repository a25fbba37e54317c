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
        _register_attachments()


def _register_attachments() -> None:
    """Photos on hazards and on their evidence: seen by whoever may open the hazard's page; attached by
    those who may change the hazard (decision 0037)."""
    from safeground.attachments import registry
    from safeground.hazards.models import Evidence, Hazard

    def see(user, record) -> bool:
        return user.has_perm("hazards.view_hazard")

    def change(user, record) -> bool:
        return user.has_perm("hazards.change_hazard")

    registry.register(Hazard, can_see=see, position=lambda h: h.shape, can_change=change)
    registry.register(Evidence, can_see=see, position=lambda e: e.point or e.hazard.shape, can_change=change)

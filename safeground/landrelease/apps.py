from django.apps import AppConfig


class LandreleaseConfig(AppConfig):
    name = "safeground.landrelease"
    label = "landrelease"
    verbose_name = "Land release"

    def ready(self):
        from safeground.hazards.signals import hazard_changed
        from safeground.landrelease.ledger import store as ledger_store

        def keep_ledger_current(sender, hazard, old_geom=None, **kwargs):
            ledger_store.refresh([hazard.id], extra_geoms=[old_geom])

        hazard_changed.connect(keep_ledger_current, weak=False, dispatch_uid="landrelease.ledger")

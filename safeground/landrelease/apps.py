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
        _register_attachments()


def _register_attachments() -> None:
    """Photos on products and devices (decision 0037): seen as their pages are, attached by those who may
    change them; a device's photo is measured from the device's point."""
    from safeground.attachments import registry
    from safeground.landrelease.models import Device, Product

    registry.register(Product, can_see=lambda u, r: u.has_perm("landrelease.view_product"), position=lambda p: p.geom)
    registry.register(Device, can_see=lambda u, r: u.has_perm("landrelease.view_device"), position=lambda d: d.point)

from django.apps import AppConfig


class OrdnanceConfig(AppConfig):
    name = "safeground.ordnance"
    label = "ordnance"
    verbose_name = "Ordnance"

    def ready(self) -> None:
        from safeground.attachments import registry
        from safeground.ordnance.models import OrdnanceModel

        # A model's photos and drawings are reference material: every signed-in account sees them; the
        # library's editors (ordnance.change_ordnancemodel) add and remove them.
        registry.register(OrdnanceModel, can_see=lambda u, r: u.is_authenticated)

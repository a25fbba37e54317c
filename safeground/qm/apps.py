from django.apps import AppConfig


class QmConfig(AppConfig):
    name = "safeground.qm"
    label = "qm"
    verbose_name = "Quality management"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from safeground.qm import workbench_kinds

        workbench_kinds.register()  # field forms submit QA visits through the workbench (decision 0039)

        from safeground.attachments import registry
        from safeground.qm import queries
        from safeground.qm.models import Visit

        def see(user, visit) -> bool:  # as the visit's page: the permission, within the organisation scope
            return user.has_perm("qm.view_visit") and queries.visits(user).filter(pk=visit.pk).exists()

        def where(visit):
            if visit.product_id:
                return visit.product.geom
            return visit.activity.reference_point if visit.activity_id else None

        registry.register(Visit, can_see=see, position=where)

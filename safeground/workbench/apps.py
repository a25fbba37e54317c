from django.apps import AppConfig


class WorkbenchConfig(AppConfig):
    name = "safeground.workbench"
    verbose_name = "Review workbench"

    def ready(self) -> None:
        from safeground.attachments import registry
        from safeground.workbench import appliers, field_kinds, queries  # noqa: F401 - they register their kinds (kinds.py)
        from safeground.workbench.models import Submission

        def see(user, submission) -> bool:  # as the review page: the permission, within the organisation scope
            return (
                user.has_perm("workbench.view_submission") and queries.visible(user).filter(pk=submission.pk).exists()
            )

        def change(user, submission) -> bool:  # the submitter, while it can still be changed
            return submission.submitted_by_id == user.pk and submission.status in ("pending", "returned")

        registry.register(Submission, can_see=see, position=queries.proposed_geometry, can_change=change)

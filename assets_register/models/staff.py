from django.conf import settings
from django.db import models

from assets_register.models.areas import AreaKind


class CouncilStaff(models.Model):
    """A staff user's council: they edit only that council's records. Superusers and
    holders of the 'edit every council' permission edit everywhere."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="council_memberships"
    )
    council = models.ForeignKey(
        "Area",
        on_delete=models.CASCADE,
        related_name="staff",
        limit_choices_to={"kind": AreaKind.COUNCIL},
    )

    class Meta:
        verbose_name_plural = "council staff"
        constraints = [
            models.UniqueConstraint(fields=["user", "council"], name="council_staff_unique")
        ]

    def __str__(self):
        return f"{self.user} – {self.council.name}"

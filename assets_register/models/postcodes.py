from django.db import models


class PostcodeLocation(models.Model):
    """One row of the offline postcode table (OS Code-Point Open)."""

    postcode = models.CharField(max_length=8, unique=True, help_text="Canonical, with a space")
    latitude = models.DecimalField(max_digits=9, decimal_places=6)
    longitude = models.DecimalField(max_digits=9, decimal_places=6)
    positional_quality = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="10 = within the building … 60 = no coordinates"
    )
    council_code = models.CharField(max_length=9, blank=True, db_index=True)
    ward_code = models.CharField(max_length=9, blank=True)

    class Meta:
        ordering = ["postcode"]

    def __str__(self):
        return self.postcode

from django.db import models
from django.db.models import Value
from django.db.models.functions import Greatest, Left, StrIndex


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
    # The outward code ('DH7' of 'DH7 6LQ'), kept by the database, so that a district's
    # postcodes are found by an index: a LIKE 'DH7 %' read the whole table (11 ms for
    # 30,000 postcodes, and there are 1.7 million).
    district = models.GeneratedField(
        expression=Left("postcode", Greatest(StrIndex("postcode", Value(" ")) - 1, 0)),
        output_field=models.CharField(max_length=4),
        db_persist=True,
        db_index=True,
    )

    class Meta:
        ordering = ["postcode"]

    def __str__(self):
        return self.postcode

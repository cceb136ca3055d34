"""Where a place's record comes from when more than one dataset describes it, and the
record of each stage of a national load."""

from django.db import models

from assets_register.core.licences import source_name


class AssetSource(models.Model):
    """One record in one source dataset that describes this place: every OpenStreetMap
    object a pub has been mapped as, or an Open Pubs row or a library edition's row that
    is the same place as an asset from another source. The place cites all of them."""

    asset = models.ForeignKey("Asset", on_delete=models.CASCADE, related_name="sources")
    source = models.CharField(max_length=50, help_text="Dataset key, e.g. osm-pubs")
    source_ref = models.CharField(max_length=100, help_text="The record's id in that dataset")
    name = models.CharField(max_length=255, blank=True, help_text="The name that dataset gives")
    first_seen = models.DateField(null=True, blank=True)
    last_seen = models.DateField(null=True, blank=True)
    # The importer of that dataset keeps its own row for the record (so a re-import stays an
    # upsert); once it is known to be this place, that row is hidden and points here.
    record = models.ForeignKey(
        "Asset", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_into"
    )

    class Meta:
        ordering = ["source", "first_seen", "source_ref"]
        constraints = [
            models.UniqueConstraint(fields=["source", "source_ref"], name="one_place_per_record"),
            models.CheckConstraint(
                condition=models.Q(last_seen__isnull=True)
                | models.Q(first_seen__isnull=True)
                | models.Q(last_seen__gte=models.F("first_seen")),
                name="asset_source_seen_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.source} {self.source_ref}"

    @property
    def source_name(self) -> str:
        return source_name(self.source)

    @property
    def seen(self) -> str:
        """'Oct 2016 to Jan 2022', or '' when the dataset is not dated."""
        if not self.first_seen:
            return ""
        if self.first_seen == self.last_seen or not self.last_seen:
            return f"{self.first_seen:%b %Y}"
        return f"{self.first_seen:%b %Y} to {self.last_seen:%b %Y}"


class LoadStage(models.Model):
    """A stage of `load_england` that finished: written in the stage's own transaction, so
    a stage killed half way leaves no row and runs again from the start."""

    name = models.CharField(max_length=50, unique=True)
    checksum = models.CharField(max_length=64, help_text="sha256 of the stage's input files")
    rows = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0)
    summary = models.TextField(blank=True)
    completed_at = models.DateTimeField()

    class Meta:
        ordering = ["completed_at"]

    def __str__(self):
        return self.name

"""Background work for places: locating one that has no coordinates yet."""

from django_tasks import task

from assets_register.geo.geocoding import Located, default_chain
from assets_register.geo.map_index import bump_map_version
from assets_register.geo.spatial import assign_areas
from assets_register.models import Asset, LocationSource


@task()
def locate_asset(asset_id):
    """Geocode an asset that has no coordinates, then set its council, ward and LSOA."""
    asset = Asset.objects.filter(pk=asset_id).first()
    if asset is None:
        return "gone"
    outcome = "kept"
    if not asset.is_located:
        query = ", ".join(part for part in (asset.address, asset.postcode) if part)
        result = default_chain().locate(query)
        if not isinstance(result, Located):
            return result.reason
        Asset.objects.filter(pk=asset_id).update(
            latitude=round(result.latitude, 6),
            longitude=round(result.longitude, 6),
            location_source=result.source,
        )
        outcome = f"located by {result.found_by}"
    elif asset.location_source == LocationSource.NONE:
        Asset.objects.filter(pk=asset_id).update(location_source=LocationSource.MAP_PIN)
    assign_areas(Asset.objects.filter(pk=asset_id))
    bump_map_version()
    return outcome

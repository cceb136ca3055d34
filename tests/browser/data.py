"""Small registers for browser tests that need a place or two rather than the demo data.

Names, codes and addresses are the demo data's, so the tests read the same whichever
they run on; the boundaries are boxes, and each place is put in its council and ward.
"""

import datetime
from decimal import Decimal

from assets_register.models import Category, DatePrecision, EventKind

from ..factories import (
    AssetEventFactory,
    AssetFactory,
    CouncilFactory,
    durham_and_sacriston,
    square,
)


def sacriston_library():
    """County Durham, its ward Sacriston and Sacriston Library there, open."""
    durham, sacriston = durham_and_sacriston()
    return AssetFactory(
        name="Sacriston Library",
        category=Category.LIBRARY,
        address="Plawsworth Road, Sacriston",
        postcode="DH7 6HU",
        latitude=Decimal("54.819500"),
        longitude=Decimal("-1.626500"),
        council=durham,
        ward=sacriston,
    )


def burslem_library():
    """Stoke-on-Trent and Burslem Library there, closed in 2011 (known only by year)."""
    stoke = CouncilFactory(
        name="Stoke-on-Trent", gss_code="E06000021", boundary=square(-2.25, 52.93, -2.08, 53.10)
    )
    library = AssetFactory(
        name="Burslem Library",
        category=Category.LIBRARY,
        address="Queen Street, Stoke-on-Trent",
        postcode="ST6 3EF",
        latitude=Decimal("53.044900"),
        longitude=Decimal("-2.199000"),
        council=stoke,
    )
    AssetEventFactory(  # saving it marks the library closed
        asset=library,
        kind=EventKind.CLOSED,
        date=datetime.date(2011, 1, 1),
        date_precision=DatePrecision.YEAR,
    )
    library.refresh_from_db()
    return library

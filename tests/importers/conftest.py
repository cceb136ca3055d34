import pytest

from ..factories import CouncilFactory, PostcodeLocationFactory, square


@pytest.fixture
def sacriston(db):
    """A council box around Sacriston and the postcode DH7 6LQ inside it."""
    council = CouncilFactory(
        gss_code="E06000047", name="County Durham", boundary=square(-2.0, 54.5, -1.0, 55.0)
    )
    PostcodeLocationFactory(postcode="DH7 6LQ")
    return council

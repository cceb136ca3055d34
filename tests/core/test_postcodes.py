import pytest
from hypothesis import given
from hypothesis import strategies as st

from assets_register.core.postcodes import InvalidPostcode, Postcode

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


@pytest.mark.parametrize(
    "typed, canonical",
    [
        ("DH7 6LQ", "DH7 6LQ"),
        ("dh76lq", "DH7 6LQ"),
        ("  Dh7   6lQ ", "DH7 6LQ"),
        ("ME12 1PL", "ME12 1PL"),
        ("SW1A1AA", "SW1A 1AA"),
        ("m1 1ae", "M1 1AE"),
        ("B33 8TH", "B33 8TH"),
    ],
)
def test_any_spacing_or_case_normalises_to_one_canonical_form(typed, canonical):
    assert Postcode.parse(typed).with_space == canonical


@pytest.mark.parametrize(
    "bad", ["", "DH7", "DH7 6L", "DH7 6LQQ", "7DH 6LQ", "DH7 6CI", "12345", "DH7-6LQ!", None, 123]
)
def test_malformed_postcodes_are_rejected_with_a_message(bad):
    with pytest.raises(InvalidPostcode):
        Postcode.parse(bad)
    assert Postcode.parse_or_none(bad) is None


def test_parts():
    postcode = Postcode.parse("dh7 6lq")
    assert (postcode.outward, postcode.inward, postcode.sector) == ("DH7", "6LQ", "DH7 6")
    assert str(postcode) == "DH7 6LQ"
    assert Postcode.is_outward_code("dh7") and not Postcode.is_outward_code("DH7 6LQ")


valid_postcodes = st.builds(
    lambda area, district, sector, unit: f"{area}{district} {sector}{unit}",
    st.text(LETTERS, min_size=1, max_size=2),
    st.integers(0, 99).map(str),
    st.integers(0, 9).map(str),
    st.text(INWARD_LETTERS, min_size=2, max_size=2),
)


@given(valid_postcodes, st.sampled_from(["", " ", "  ", "\t"]), st.booleans())
def test_spacing_and_case_never_change_the_parse(postcode, gap, lower):
    outward, inward = postcode.split()
    typed = f"{outward}{gap}{inward}"
    typed = typed.lower() if lower else typed
    assert Postcode.parse(typed).with_space == postcode


@given(st.text(max_size=30))
def test_arbitrary_text_parses_or_raises_invalid_postcode(text):
    try:
        parsed = Postcode.parse(text)
    except InvalidPostcode:
        return
    assert Postcode.parse(parsed.with_space) == parsed

"""The indicator pages, CSV and map data, read from a snapshot of the hand-counted register
in test_compute.py (see its docstring for every figure used here)."""

import csv
import io
import json

import pytest

from assets_register.indicators import views as indicator_views
from assets_register.indicators.compute import Rules, recompute

from ..factories import AreaFactory, AreaIndicatorFactory, CouncilFactory, square
from .conftest import ON

pytestmark = pytest.mark.django_db


@pytest.fixture
def register(register):
    """The counted register, with its figures computed."""
    recompute(ON, Rules())
    return register


def table_codes(html):
    return [
        line.split('data-gss="')[1].split('"')[0]
        for line in html.split("<tr")
        if 'data-gss="' in line
    ]


def test_the_page_states_the_rules_with_their_thresholds(client, register):
    html = client.get("/indicators/").content.decode()
    text = " ".join(html.split())
    assert "Over the 10 years from 1 March 2015 to 1 March 2025" in text
    assert "fell by at least 2: openings minus closures" in text
    assert "among the worst 10% of all areas of its kind" in text
    assert "in decile 1 of the Index of Multiple Deprivation" in text
    assert "the IMD 2019 ranks the 2011 LSOAs this register uses" in text
    assert "counts as 1 July of that year" in text


def test_the_table_lists_wards_sorted_by_change_with_the_reasons_for_flags(client, register):
    """Change over 10 years: Abbey -2, Cross -2, Bridge -1, Dale 0 (ties by name)."""
    html = client.get("/indicators/?kind=ward&sort=change").content.decode()
    assert table_codes(html) == ["E05000901", "E05000903", "E05000902", "E05000904"]
    abbey = html.split('data-gss="E05000901"')[1].split("</tr>")[0]
    assert "Left-behind risk" in abbey
    assert "net loss of 2 places to meet in 10 years (threshold: 2)" in abbey
    assert "IMD 2019 decile 1 (its LSOAs’ average rank 2,000)" in abbey
    assert 'aria-sort="ascending"' in html
    descending = client.get("/indicators/?kind=ward&sort=-change").content.decode()
    assert table_codes(descending) == ["E05000904", "E05000902", "E05000901", "E05000903"]


def test_the_table_filters_by_council_flag_and_name(client, register):
    get = client.get
    assert table_codes(get("/indicators/?kind=ward&council=E06000902").content.decode()) == [
        "E05000904"
    ]
    assert table_codes(get("/indicators/?kind=ward&flagged=losing").content.decode()) == [
        "E05000901",
        "E05000903",
    ]
    assert table_codes(get("/indicators/?kind=lsoa&flagged=left_behind").content.decode()) == [
        "E01000901"
    ]
    assert table_codes(get("/indicators/?kind=ward&q=bri").content.decode()) == ["E05000902"]


def test_the_page_keeps_to_its_query_budget(client, register, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        response = client.get("/indicators/?kind=lsoa&indicator=per_1000_now")
    assert response.status_code == 200


def test_the_legend_and_map_data_colour_the_flags(client, register):
    html = client.get("/indicators/?kind=ward").content.decode()
    assert 'data-geojson="/indicators/ward.geojson?kind=ward&amp;indicator=flags"' in html
    legend = html.split('id="indicator-legend"')[1].split("</div>")[0]
    labels = [
        item.split("</span>")[1].split("</li>")[0].strip() for item in legend.split("<li>")[1:]
    ]
    assert labels == ["Left-behind risk", "Losing places to meet", "Not flagged"]
    data = json.loads(client.get("/indicators/ward.geojson?indicator=flags").content)
    colours = {f["properties"]["gss"]: f["properties"]["colour"] for f in data["features"]}
    assert colours == {
        "E05000901": "#b2182b",
        "E05000903": "#ef8a62",
        "E05000902": "#f7f7f7",
        "E05000904": "#f7f7f7",
    }
    assert data["features"][0]["geometry"]["type"] == "Polygon"


def test_map_data_labels_areas_without_population_as_such(client, register):
    data = json.loads(client.get("/indicators/ward.geojson?indicator=change_per_1000").content)
    labels = {f["properties"]["name"]: f["properties"]["label"] for f in data["features"]}
    assert labels == {
        "Abbey": "Lost 1 or more per 1,000 (left-behind risk)",
        "Bridge": "Lost 1 or more per 1,000",
        "Cross": "No population figure (losing places to meet)",
        "Dale": "No change",
    }
    change = json.loads(client.get("/indicators/ward.geojson?indicator=change").content)
    assert {f["properties"]["name"]: f["properties"]["label"] for f in change["features"]} == {
        "Abbey": "Lost 2 (left-behind risk)",
        "Bridge": "Lost 1",
        "Cross": "Lost 2 (losing places to meet)",
        "Dale": "No change",
    }


def test_the_count_measures_get_quantile_classes():
    classes = indicator_views.quantile_classes([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, None], ["a"] * 5)
    assert [c.label for c in classes] == [
        "up to 1.8",
        "more than 1.8 up to 3.6",
        "more than 3.6 up to 5.4",
        "more than 5.4 up to 7.2",
        "more than 7.2 up to 9",
    ]
    assert indicator_views.classify(1.8, classes) is classes[0]
    assert indicator_views.classify(None, classes) is None


def test_too_many_areas_for_the_map_asks_for_a_council(client, register, monkeypatch):
    monkeypatch.setattr(indicator_views, "MAP_MAX_AREAS", 3)
    html = client.get("/indicators/?kind=ward").content.decode()
    assert "There are 4 wards: choose a council to map them." in html
    assert 'id="indicator-map"' not in html
    assert (
        'id="indicator-map"'
        in client.get("/indicators/?kind=ward&council=E06000901").content.decode()
    )


def test_the_csv_has_every_figure_and_stays_numeric(client, register):
    response = client.get("/indicators/ward.csv?sort=name")
    assert response["Content-Disposition"] == (
        'attachment; filename="places-to-meet-ward-2025-03-01.csv"'
    )
    rows = {row["gss_code"]: row for row in csv.DictReader(io.StringIO(response.content.decode()))}
    assert list(rows) == ["E05000901", "E05000902", "E05000903", "E05000904"]
    abbey = rows["E05000901"]
    assert (abbey["open_now"], abbey["open_5y_ago"], abbey["open_10y_ago"]) == ("4", "3", "6")
    assert (abbey["change_10y"], abbey["closures_10y"], abbey["openings_10y"]) == ("-2", "4", "2")
    assert (abbey["per_1000_now"], abbey["change_per_1000_in_period"]) == ("2.0", "-1.0")
    assert (abbey["imd_decile"], abbey["imd_decile_source"]) == ("1", "average rank of its LSOAs")
    assert (abbey["losing_places_to_meet"], abbey["left_behind_risk"]) == ("yes", "yes")
    assert (abbey["council_gss_code"], abbey["reference_date"]) == ("E06000901", "2025-03-01")
    cross = rows["E05000903"]
    assert (cross["population"], cross["per_1000_now"], cross["percentile_national"]) == (
        "",
        "",
        "",
    )


def test_the_csv_neutralises_formulas_in_names(client):
    council = CouncilFactory(name='=HYPERLINK("http://evil")')
    AreaIndicatorFactory(area=AreaFactory(name="@SUM(A1)", parent=council), council=council)
    body = client.get("/indicators/ward.csv").content.decode()
    row = next(csv.DictReader(io.StringIO(body)))
    assert row["name"] == "'@SUM(A1)"
    assert row["council_name"].startswith("'=")
    assert row["change_10y"] == "-2"


def test_unknown_kinds_and_missing_snapshots_are_handled(client):
    assert client.get("/indicators/parish.csv").status_code == 404
    html = client.get("/indicators/").content.decode()
    assert "The figures have not been computed yet" in html
    assert client.get("/indicators/ward.geojson").status_code == 404


def test_two_areas_side_by_side(client, register):
    html = client.get("/indicators/compare/?a=E05000901&b=E06000901").content.decode()
    rows = {
        cells.split("</th>")[0].split(">")[-1]: [
            cell.split("</td>")[0] for cell in cells.split("<td>")[1:]
        ]
        for cells in html.split('<th scope="row">')[1:]
    }
    assert rows["Open now"] == ["4", "5"]
    assert rows["Open 10 years ago"] == ["6", "10"]
    assert rows["Net change, 10 years"] == ["-2", "-5"]
    assert rows["Change per 1,000 residents in the period"] == [
        "-1.00 per 1,000",
        "-0.50 per 1,000",
    ]
    assert rows["Left-behind risk"] == ["yes", "no"]
    assert html.count('role="img"') == 2  # a chart for each


def test_compare_reports_an_unknown_code(client, register):
    html = client.get("/indicators/compare/?a=E05000901&b=E99999999").content.decode()
    assert "There is no area with the code given as the second area." in html


def test_an_area_page_shows_its_figures_chart_and_closures(
    client, register, django_assert_max_num_queries
):
    """Abbey's closures in the 10 years, newest first: The Plough ('2020'), The Swan (April
    2018), Abbey Library (June 2017), Abbey Hall (January 2016). Not the post office (not a
    place to meet) nor The Anchor (at risk, still open)."""
    with django_assert_max_num_queries(15):
        response = client.get("/areas/E05000901/")
    html = response.content.decode()
    section = " ".join(html.split('id="indicator-heading"')[1].split("</section>")[0].split())
    assert "Places to meet open now</dt> <dd>4 (2.00 per 1,000 residents)" in section
    assert "Net change, last 10 years</dt><dd>-2 (4 closures, 2 openings)" in section
    assert "Left-behind risk" in section
    # Every place was put on the register by hand, with no record before its first event.
    assert (
        '<desc id="area-chart-desc">2015: 6 (6 assumed), 2016: 5 (5 assumed), 2017: 5 (5 '
        "assumed), 2018: 4 (4 assumed), 2019: 3 (3 assumed), 2020: 3 (2 assumed)"
    ) in section
    closed = [item.split("</a>")[0].split(">")[-1] for item in section.split("<li>")[1:]]
    assert closed == ["The Plough", "The Swan", "Abbey Library", "Abbey Hall"]
    assert "closed since 1 March 2015" in section
    assert "/indicators/compare/?a=E05000901&amp;b=E06000901" in section


def test_an_area_without_population_says_counts_only(client, register):
    html = client.get("/areas/E05000903/").content.decode()
    assert "None: no population figure, so counts only" in html
    assert "per 1,000 residents)" not in html


def test_the_nav_links_to_the_indicators(client, register):
    assert 'href="/indicators/"' in client.get("/").content.decode()


def test_an_area_with_no_figures_says_so(client):
    AreaFactory(gss_code="E05000999", boundary=square(-1, 54, -0.9, 54.1))
    html = client.get("/areas/E05000999/").content.decode()
    assert "No figures yet for this area" in html

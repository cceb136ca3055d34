"""The one CSV writer every download uses: numbers stay numbers, text never runs as a formula,
and a long file comes out in chunks."""

import csv
import io
from decimal import Decimal

from assets_register.core.files import csv_chunks, csv_response


def test_numbers_stay_numbers_and_text_cannot_run():
    rows = [{"id": 7, "change": -2, "lat": Decimal("-1.626"), "name": "=SUM(A1)", "flag": True}]
    text = "".join(csv_chunks(rows, ["id", "change", "lat", "name", "flag", "missing"]))
    assert text == "id,change,lat,name,flag,missing\r\n7,-2,-1.626,'=SUM(A1),True,\r\n"


def test_a_long_file_streams_in_chunks_that_join_to_one_table():
    rows = ({"n": n, "name": f"-{n}"} for n in range(2500))
    chunks = list(csv_chunks(rows, ["n", "name"], rows_per_chunk=1000))
    assert len(chunks) == 3
    table = list(csv.DictReader(io.StringIO("".join(chunks))))
    assert len(table) == 2500 and table[-1] == {"n": "2499", "name": "'-2499"}


def test_a_response_is_a_named_attachment_either_way():
    for streaming in (False, True):
        response = csv_response([{"a": 1}], ["a"], "x.csv", streaming=streaming)
        body = b"".join(response) if streaming else response.content
        assert body == b"a\r\n1\r\n"
        assert response["Content-Disposition"] == 'attachment; filename="x.csv"'

"""The overview as CSV and XLSX: the same figures as the JSON, typed cells, frozen header, no formula."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import openpyxl
import pytest

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TABLES = ["summary", "statuses", "funnel", "provinces", "time_zones", "stages", "phases"]


@pytest.fixture
async def filled(feeds, catch_up):
    a = feeds.walk("32.73", '=HYPERLINK("http://x")', "applied", "assessed", "selected", "mou_signed")
    feeds.track(a, "32.73", '=HYPERLINK("http://x")', "bimtek_2")
    feeds.walk("73.71", "2027", "applied", "assessed", "selected", "mou_signed", "mentoring")
    feeds.walk("91.71", "2027", "applied")
    feeds.statistics("73.71", 1_400_000)
    await catch_up()


def json_tables(body: dict) -> dict[str, list[list]]:
    out = {}
    for name in TABLES:
        rows = body[name] if isinstance(body[name], list) else [body[name]]
        columns = list(rows[0]) if rows else None
        out[name] = [columns, *[list(r.values()) for r in rows]] if rows else []
    return out


async def test_xlsx_holds_every_table_typed_with_a_frozen_header(filled, client, as_role):
    ops = as_role("operator")
    body = (await client.get("/api/v1/reports/overview", headers=ops)).json()
    response = await client.get("/api/v1/reports/overview?format=xlsx", headers=ops)
    assert response.status_code == 200
    assert response.headers["content-type"] == XLSX
    assert response.headers["content-disposition"] == 'attachment; filename="overview-all-id.xlsx"'
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == TABLES
    expected = json_tables(body)
    for name in TABLES:
        sheet = book[name]
        assert sheet.freeze_panes == "A2"
        assert all(cell.font.bold for cell in sheet[1])
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        want = expected[name]
        assert rows[0] == want[0], name
        for got, row in zip(rows[1:], want[1:], strict=True):
            normal = []
            for value in row:
                if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[:4].isdigit():
                    value = datetime.fromisoformat(value)  # openpyxl reads a date cell back as a datetime
                elif isinstance(value, str) and value.startswith("="):
                    value = "'" + value
                normal.append(value)
            assert got == normal, name
    phases = book["phases"]
    assert phases["A1"].value == "phase_code"
    assert [c.value for c in phases["A"][1:]] == ["2027", '\'=HYPERLINK("http://x")']
    assert all(c.data_type == "s" for c in phases["A"])  # text, never a formula
    assert phases["F2"].is_date and phases["F2"].number_format == "yyyy-mm-dd"
    assert isinstance(phases["E2"].value, int) and phases["K2"].number_format == "0.0%"
    summary = book["summary"]
    assert summary["C2"].value == 2 and isinstance(summary["J2"].value, int)


async def test_csv_gives_one_table_with_a_header(filled, client, as_role):
    ops = as_role("partner")
    body = (await client.get("/api/v1/reports/overview", headers=ops)).json()
    response = await client.get("/api/v1/reports/overview", headers={**ops, "Accept": "text/csv"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == 'attachment; filename="overview-all-id-summary.csv"'
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows == [list(body["summary"]), [str(v) for v in body["summary"].values()]]
    phases = await client.get("/api/v1/reports/overview?format=csv&table=phases", headers=ops)
    rows = list(csv.reader(io.StringIO(phases.text)))
    assert rows[0][:6] == ["phase_code", "name", "year", "quota", "participants", "first_applied_on"]
    assert [r[0] for r in rows[1:]] == ["2027", '\'=HYPERLINK("http://x")']
    assert rows[1][5] == date(2027, 1, 11).isoformat() and rows[1][1] == ""
    bad = await client.get("/api/v1/reports/overview?format=csv&table=secrets", headers=ops)
    assert bad.status_code == 422
    assert (bad.json()["code"], bad.json()["detail"]) == ("validation-failed", "No table 'secrets' in this report.")
    assert bad.json()["errors"] == [
        {"field": "table", "code": "not_one_of", "message": "Must be one of: " + ", ".join(TABLES) + "."}
    ]
    in_indonesian = await client.get(
        "/api/v1/reports/overview?format=csv&table=secrets", headers={**ops, "Accept-Language": "id"}
    )
    assert in_indonesian.json()["detail"] == "Tidak ada tabel 'secrets' dalam laporan ini."
    assert in_indonesian.json()["errors"][0]["message"] == "Harus salah satu dari: " + ", ".join(TABLES) + "."


@pytest.mark.parametrize(
    ("query", "accept", "status", "media"),
    [
        ("", None, 200, "application/json"),
        ("", "*/*", 200, "application/json"),
        ("", "text/html;q=0.9, text/csv", 200, "text/csv; charset=utf-8"),
        ("", "application/json;q=0.1, " + XLSX, 200, XLSX),
        ("", "text/*", 200, "text/csv; charset=utf-8"),
        ("?format=json", "text/csv", 200, "application/json"),
        ("?format=pdf", None, 406, "application/problem+json"),
        ("?format=html", None, 406, "application/problem+json"),
        ("", "application/pdf", 406, "application/problem+json"),
        ("", "text/csv;q=0", 406, "application/problem+json"),
    ],
)
async def test_the_form_is_chosen_by_format_or_accept(feeds, client, as_role, query, accept, status, media):
    headers = as_role("operator") | ({"Accept": accept} if accept else {})
    response = await client.get(f"/api/v1/reports/overview{query}", headers=headers)
    assert response.status_code == status
    assert response.headers["content-type"] == media
    if status == 406:
        assert [a["format"] for a in response.json()["available"]] == ["json", "csv", "xlsx"]
        assert response.json()["code"] == "not-acceptable"
        assert response.json()["detail"].startswith("This report comes as json, csv, xlsx; ")

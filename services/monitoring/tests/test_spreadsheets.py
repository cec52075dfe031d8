"""The spreadsheet form of a report: a pre-filled template, uploads of XLSX and CSV, hostile files."""

from __future__ import annotations

import io
import uuid
import zipfile

from openpyxl import Workbook, load_workbook

from .test_reports import REPORT

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEMPLATE = f"{REPORT}/template.xlsx"
UPLOAD = f"{REPORT}/upload"


async def template(client, as_role):
    response = await client.get(TEMPLATE, headers=as_role("region", "32.73"))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == XLSX
    return load_workbook(io.BytesIO(response.content))


def as_bytes(workbook) -> bytes:
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


async def upload(client, as_role, data: bytes, media_type: str = XLSX, language: str | None = None, **params):
    headers = {**as_role("region", "32.73", language=language), "content-type": media_type}
    return await client.post(UPLOAD, content=data, params=params, headers=headers)


async def test_the_template_lists_the_regions_indicators_and_initiatives(client, as_role, ready):
    setup = await ready()
    workbook = await template(client, as_role)
    assert workbook.sheetnames == ["Indicators", "Initiatives"]
    rows = list(workbook["Indicators"].iter_rows(values_only=True))
    assert rows[0] == (
        "tracked_indicator_id",
        "initiative",
        "indicator",
        "unit",
        "direction",
        "baseline",
        "target 2026",
        "value",
        "comment",
        "evidence_document_ids",
    )
    assert [(r[0], r[1], r[3], r[5], r[6], r[7]) for r in rows[1:]] == [
        (setup["online"], "Inisiatif governance", "percent", 20, 40, None),
        (setup["permit"], "Inisiatif living", "days", 10, 5, None),
    ]
    initiatives = list(workbook["Initiatives"].iter_rows(values_only=True))
    assert initiatives[0] == ("initiative_id", "title", "dimension", "status", "progress", "note")
    assert [r[0] for r in initiatives[1:]] == [i["id"] for i in setup["plan"]["initiatives"]]
    validations = workbook["Initiatives"].data_validations.dataValidation
    assert [v.formula1 for v in validations] == ['"not_started,on_track,delayed,done,cancelled"', "0"]
    assert (await client.get(TEMPLATE, headers=as_role("partner"))).status_code == 403
    assert (await client.get(TEMPLATE, headers=as_role("region", "32.04"))).status_code == 404


async def test_a_filled_in_template_is_stored_and_comes_back_pre_filled(client, as_role, ready, upload_document):
    setup = await ready()
    evidence = await upload_document("32.73")
    workbook = await template(client, as_role)
    indicators, initiatives = workbook["Indicators"], workbook["Initiatives"]
    indicators["H2"], indicators["I2"], indicators["J2"] = 30, "Data Diskominfo", evidence
    indicators["H3"] = "7,5"  # a decimal comma
    initiatives["D2"], initiatives["E2"], initiatives["F2"] = "on_track", 40, "Sesuai rencana"
    initiatives["D5"], initiatives["E5"] = "delayed", 10
    stored = await upload(client, as_role, as_bytes(workbook), submit="true")
    assert stored.status_code == 200, stored.text
    body = stored.json()
    assert (body["status"], body["late"]) == ("submitted", False)
    assert sorted((v["tracked_indicator_id"], v["value"], v["comment"]) for v in body["values"]) == sorted(
        [(setup["online"], 30.0, "Data Diskominfo"), (setup["permit"], 7.5, None)]
    )
    assert [v["evidence_document_ids"] for v in body["values"] if v["tracked_indicator_id"] == setup["online"]] == [
        [evidence]
    ]
    plan = setup["plan"]["initiatives"]
    assert sorted((s["initiative_id"], s["status"], s["progress"]) for s in body["initiatives"]) == sorted(
        [(plan[0]["id"], "on_track", 40.0), (plan[3]["id"], "delayed", 10.0)]
    )
    again = await template(client, as_role)
    assert [r[7] for r in again["Indicators"].iter_rows(min_row=2, values_only=True)] == [30, 7.5]
    assert again["Initiatives"]["F2"].value == "Sesuai rencana"


async def test_every_bad_cell_is_named_by_sheet_row_and_column_and_nothing_is_stored(client, as_role, ready):
    await ready()
    workbook = await template(client, as_role)
    indicators, initiatives = workbook["Indicators"], workbook["Initiatives"]
    indicators["H2"] = "banyak"
    indicators["H3"] = "=1+1"
    indicators["I3"] = '=HYPERLINK("http://evil.example","klik")'
    initiatives["D2"], initiatives["E2"] = "finished", 50
    initiatives["D3"], initiatives["E3"] = "done", 120
    initiatives["A4"], initiatives["D4"], initiatives["E4"] = "not-an-id", "done", 100
    initiatives["D5"], initiatives["E5"], initiatives["F5"] = "delayed", 5, "@SUM(1)"
    response = await upload(client, as_role, as_bytes(workbook))
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert [(e["sheet"], e["row"], e["column"], e["code"], e["message"]) for e in response.json()["errors"]] == [
        ("Indicators", "2", "H", "not_a_number", "Not a finite number."),
        ("Indicators", "3", "H", "formula", "A formula; type the value itself."),
        ("Indicators", "3", "I", "formula", "Text may not start with =, +, - or @: it would run as a formula."),
        (
            "Initiatives",
            "2",
            "D",
            "not_one_of",
            "The status is one of not_started, on_track, delayed, done, cancelled.",
        ),
        ("Initiatives", "3", "E", "not_a_percentage", "Progress is a percentage within 0-100."),
        ("Initiatives", "4", "A", "not_a_uuid", "Not an id from the template."),
        ("Initiatives", "5", "F", "formula", "Text may not start with =, +, - or @: it would run as a formula."),
    ]
    assert response.json()["errors"][0]["field"] == "Indicators!H2"
    assert response.json()["detail"] == "The spreadsheet has 7 problem(s); nothing was stored."
    in_indonesian = await upload(client, as_role, as_bytes(workbook), language="id")
    assert in_indonesian.json()["detail"] == "Lembar kerja ini memiliki 7 masalah; tidak ada yang disimpan."
    assert in_indonesian.json()["errors"][0] == {
        "sheet": "Indicators",
        "row": "2",
        "column": "H",
        "field": "Indicators!H2",
        "code": "not_a_number",
        "message": "Bukan angka yang sah.",
    }
    assert (await client.get(REPORT, headers=as_role("operator"))).status_code == 404


async def test_an_indicator_of_another_region_in_the_sheet_is_named_where_it_stands(
    client, as_role, ready, make_portfolio, attach
):
    await ready()
    other = await make_portfolio("32.04")
    theirs = (await attach(other["initiatives"][0]["id"], region_code="32.04")).json()["id"]
    workbook = await template(client, as_role)
    workbook["Indicators"]["A3"], workbook["Indicators"]["H3"] = theirs, 50
    response = await upload(client, as_role, as_bytes(workbook))
    assert response.status_code == 422
    assert [(e["field"], e["code"], e["message"]) for e in response.json()["errors"]] == [
        ("Indicators!A3", "not_an_indicator_of_region", "No indicator of region 32.73.")
    ]


async def test_a_csv_upload_with_semicolons_and_a_dry_run(client, as_role, ready):
    setup = await ready()
    plan = setup["plan"]["initiatives"]
    csv = (
        "kind;id;value;comment;evidence_document_ids;status;progress\n"
        f"indicator;{setup['online']};35,5;Data BPS;;;\n"
        f"initiative;{plan[0]['id']};;Berjalan;;on_track;60\n"
    ).encode()
    dry = await upload(client, as_role, csv, "text/csv", dry_run="true")
    assert (dry.status_code, dry.json()["dry_run"], dry.json()["values"][0]["value"]) == (200, True, 35.5)
    assert (await client.get(REPORT, headers=as_role("operator"))).status_code == 404
    stored = await upload(client, as_role, csv, "text/csv; charset=utf-8")
    assert stored.status_code == 200, stored.text
    assert [(s["status"], s["progress"], s["note"]) for s in stored.json()["initiatives"]] == [
        ("on_track", 60.0, "Berjalan")
    ]
    stale = await client.post(
        UPLOAD, content=csv, headers={**as_role("region", "32.73"), "content-type": "text/csv", "If-Match": '"old"'}
    )
    assert stale.status_code == 412


async def test_a_csv_formula_or_nonsense_is_refused_by_row_and_column(client, as_role, ready):
    setup = await ready()
    csv = (
        "kind,id,value,comment,evidence_document_ids,status,progress\n"
        f"indicator,{setup['online']},12,+cmd|' /C calc'!A0,,,\n"
        f"indicator,{setup['permit']},-3,,,,\n"
        "budget,x,1,,,,\n"
    ).encode()
    response = await upload(client, as_role, csv, "text/csv")
    assert response.status_code == 422
    assert [(e["row"], e["column"], e["code"], e["message"]) for e in response.json()["errors"]] == [
        ("2", "comment", "formula", "Text may not start with =, +, - or @: it would run as a formula."),
        ("4", "kind", "not_one_of", "The kind is 'indicator' or 'initiative'."),
    ]
    negative = await upload(
        client, as_role, csv.rsplit(b"budget", 1)[0].replace(b"+cmd|' /C calc'!A0", b""), "text/csv"
    )
    assert [(e["field"], e["code"], e["message"]) for e in negative.json()["errors"]] == [
        ("row 3, column value", "negative", "A value cannot be negative.")
    ]


async def test_files_that_are_not_spreadsheets_are_refused(client, as_role, ready):
    await ready()
    assert (await upload(client, as_role, b"%PDF-1.4", "application/pdf")).status_code == 415
    not_zip = await upload(client, as_role, b"kind,id\nindicator,x\n")
    assert (not_zip.status_code, not_zip.json()["errors"]) == (
        422,
        [{"field": "body", "code": "not_xlsx", "message": "Not a zip/XLSX file."}],
    )
    not_a_workbook = io.BytesIO()
    with zipfile.ZipFile(not_a_workbook, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    refused = await upload(client, as_role, not_a_workbook.getvalue())
    assert refused.status_code == 422
    binary = await upload(client, as_role, b"kind,id\x00\xff\xfe", "text/csv")
    assert binary.status_code == 422
    missing_sheet = Workbook()
    missing_sheet.active.title = "Lembar1"
    named = await upload(client, as_role, as_bytes(missing_sheet))
    assert [(e["code"], e["message"]) for e in named.json()["errors"]] == [
        ("missing_sheet", "The workbook has no sheet 'Indicators'."),
        ("missing_sheet", "The workbook has no sheet 'Initiatives'."),
    ]
    assert (await client.get(REPORT, headers=as_role("operator"))).status_code == 404


async def test_a_zip_bomb_disguised_as_xlsx_is_refused_before_it_is_unpacked(client, as_role, ready):
    await ready()
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", bytes(51 * 1024 * 1024))
    assert len(bomb.getvalue()) < 200_000
    response = await upload(client, as_role, bomb.getvalue())
    assert (response.status_code, response.json()["code"]) == (413, "content-too-large")
    assert "unpacks to" in response.json()["detail"]
    too_big = await upload(client, as_role, b"k" * (5 * 1024 * 1024 + 1), "text/csv")
    assert too_big.status_code == 413


async def test_the_template_neutralises_text_that_would_run_as_a_formula(
    client, as_role, make_portfolio, attach, open_period
):
    plan = await make_portfolio("32.73")
    await open_period()
    own = {"name": '=HYPERLINK("http://evil.example","x")', "unit": "count", "direction": "increase"}
    assert (
        await attach(
            plan["initiatives"][0]["id"],
            indicator_code=None,
            own=own,
            baseline={"value": 1, "year": 2025},
            targets=[{"year": 2026, "value": 2}],
        )
    ).status_code == 201
    workbook = await template(client, as_role)
    cell = workbook["Indicators"]["C2"]
    assert (cell.value, cell.data_type) == ('\'=HYPERLINK("http://evil.example","x")', "s")
    raw = (await client.get(TEMPLATE, headers=as_role("region", "32.73"))).content
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        assert not any(b"<f>" in archive.read(name) for name in archive.namelist() if name.startswith("xl/worksheets/"))
    assert uuid.UUID(workbook["Indicators"]["A2"].value)

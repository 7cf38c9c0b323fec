"""The import's own .xlsx cell reader gives the values openpyxl gives, for every kind of cell a
ledger file holds: shared and inline strings, integers and decimals, dates and datetimes,
booleans, formulas, gaps inside a row, a far-right cell and blank rows."""

import datetime

import openpyxl

from seedreg.lib.tabular import open_table
from tests.xlsx import write_excel_like

HEADER = ["日期", "品种", "批号", "数量（千克）", "件数", "备注"]


def openpyxl_rows(path):
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        rows = [tuple(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
    finally:
        workbook.close()
    return [list(row) for row in rows if any(v not in (None, "") for v in row)]


def our_rows(path, filename="台账.xlsx"):
    table = open_table(str(path), filename)
    return [table.headers, *table.rows()]


def test_excel_saved_cells_read_as_openpyxl_reads_them(tmp_path):
    path = tmp_path / "excel.xlsx"
    rows = [
        [datetime.date(2026, 3, 1), "辽单575", "LD-2026-001", 1250.5, 50, "批发 <甲>&乙"],
        [datetime.date(2026, 3, 2), "郑单958", "ZD-01", 7, "", ""],
        ["", "", "", "", "", ""],
        [datetime.date(2026, 2, 28), "先玉335", "2026030A", 0.125, 3, "退货"],
    ]
    write_excel_like(path, HEADER, rows, len(rows) + 1)
    expected = openpyxl_rows(path)
    assert expected[1][0] == datetime.datetime(2026, 3, 1) and expected[1][3] == 1250.5  # read as Excel wrote it
    assert our_rows(path)[:1] == [HEADER]
    assert [row[: len(HEADER)] for row in our_rows(path)[1:]] == [row[: len(HEADER)] for row in expected[1:]]


def test_openpyxl_saved_cells_of_every_kind_read_as_openpyxl_reads_them(tmp_path):
    path = tmp_path / "openpyxl.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    sheet.append([datetime.date(2026, 4, 1), "辽单575", "A1", 10, 2, True])
    sheet.append([datetime.datetime(2026, 4, 2, 9, 30), "郑单958", 20260402, 3.75, None, False])
    sheet.append([None, None, None, None, None, None])
    sheet.append(["2026-04-03", "先玉335", "B-7", "=1+2", 1, "文本"])
    sheet["J6"] = "最右边的格子"
    sheet["A7"] = datetime.date(2026, 4, 4)
    sheet["D7"] = -0.5
    workbook.save(path)
    ours = our_rows(path)
    theirs = openpyxl_rows(path)
    assert len(ours) == len(theirs)
    for mine, expected in zip(ours, theirs, strict=True):
        width = max(len(mine), len(expected))
        pad = lambda row, w=width: list(row) + [None] * (w - len(row))  # noqa: E731
        assert [v if v != "" else None for v in pad(mine)] == [v if v != "" else None for v in pad(expected)]

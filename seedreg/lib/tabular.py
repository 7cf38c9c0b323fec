"""Reading and writing the spreadsheets people actually have: .xlsx from Excel or WPS, and
CSV saved as UTF-8 (with or without BOM) or GBK/GB18030 (what Excel on a Chinese Windows
writes). Used by every bulk import; the error copy goes back as .xlsx with an error column."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from seedreg.errors import InvalidInput

MAX_ROWS = 200_000


@dataclass
class Table:
    headers: list[str]
    rows: list[list[object]] = field(default_factory=list)  # cell values, without the header row
    first_row_number: int = 2  # the spreadsheet row number of rows[0], for messages people can find


def _clean_header(value) -> str:
    return str(value or "").strip().replace("\n", "").replace(" ", "").replace("*", "")


def read_table(data: bytes, filename: str) -> Table:
    """Parse an uploaded .xlsx or .csv. Raises InvalidInput naming the problem."""
    name = (filename or "").lower()
    if name.endswith(".xlsx") or data[:2] == b"PK":
        return _read_xlsx(data)
    if name.endswith(".csv") or name.endswith(".txt"):
        return _read_csv(data)
    if name.endswith(".xls"):
        raise InvalidInput(_("不支持旧版 .xls 文件，请在 Excel/WPS 中另存为 .xlsx 后上传。"), code="xls_unsupported")
    raise InvalidInput(_("请上传 .xlsx 或 .csv 文件。"), code="file_type")


def _read_xlsx(data: bytes) -> Table:
    import zipfile

    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise InvalidInput(_("无法读取该 Excel 文件，请确认是 .xlsx 格式且未加密。"), code="xlsx_unreadable") from exc
    rows = []
    for row in workbook.worksheets[0].iter_rows(values_only=True):
        rows.append(list(row))
        if len(rows) > MAX_ROWS + 10:
            raise InvalidInput(_("文件超过 %(n)s 行，请分批导入。"), code="too_many_rows", n=MAX_ROWS)
    workbook.close()
    return _table(rows)


def _read_csv(data: bytes) -> Table:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise InvalidInput(_("无法识别文件编码，请另存为 UTF-8 或 GBK 编码的 CSV。"), code="csv_encoding")
    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error as exc:
        raise InvalidInput(_("CSV 格式错误：%(error)s"), code="csv_invalid", error=str(exc)) from exc
    if len(rows) > MAX_ROWS + 10:
        raise InvalidInput(_("文件超过 %(n)s 行，请分批导入。"), code="too_many_rows", n=MAX_ROWS)
    return _table(rows)


def _filled(row) -> int:
    return sum(1 for c in row if c not in (None, "") and str(c).strip())


def _table(rows) -> Table:
    """Exports often carry a title line or two above the header: the header is the fullest of
    the first few non-blank rows."""
    candidates = [i for i, r in enumerate(rows) if _filled(r)][:5]
    if not candidates:
        raise InvalidInput(_("文件是空的。"), code="empty_file")
    header = max(candidates, key=lambda i: (_filled(rows[i]), -i))
    return Table([_clean_header(h) for h in rows[header]], _drop_blank(rows[header + 1:]), header + 2)


def _drop_blank(rows):
    return [r for r in rows if any(c not in (None, "") and str(c).strip() for c in r)]


def map_columns(table: Table, columns: dict[str, tuple[str, ...]], required: tuple[str, ...]) -> dict[str, int]:
    """Find each field's column by any of its accepted header names. Raises InvalidInput
    listing the required columns that are missing."""
    found = {}
    for key, names in columns.items():
        for i, header in enumerate(table.headers):
            if header in names:
                found[key] = i
                break
    missing = [columns[k][0] for k in required if k not in found]
    if missing:
        raise InvalidInput(_("缺少必需的列：%(columns)s。请使用导入模板。"), code="missing_columns",
                           columns="、".join(missing))
    return found


def write_workbook(headers: list[str], rows: list[list[object]], *, notes: list[tuple[str, str]] = (),
                   highlight_column: int | None = None) -> bytes:
    """An .xlsx with one data sheet (and a 说明 sheet when ``notes`` are given)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "数据"
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(["" if v is None else v for v in row])
    if highlight_column is not None:
        fill = PatternFill("solid", fgColor="FFE0E0")
        for row in sheet.iter_rows(min_row=2, min_col=highlight_column + 1, max_col=highlight_column + 1):
            for cell in row:
                if cell.value:
                    cell.fill = fill
    for i, header in enumerate(headers, start=1):
        sheet.column_dimensions[sheet.cell(1, i).column_letter].width = max(10, min(40, len(str(header)) * 2 + 4))
    if notes:
        info = workbook.create_sheet("说明")
        info.append(["列", "说明"])
        for note in notes:
            info.append(list(note))
        info.column_dimensions["A"].width = 20
        info.column_dimensions["B"].width = 80
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()

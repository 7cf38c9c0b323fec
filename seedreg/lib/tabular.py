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
    """Parse an uploaded .xlsx or .csv into memory. Raises InvalidInput naming the problem.
    Large imports use ``open_table`` instead, which never holds the whole sheet."""
    stream = open_table(data, filename)
    return Table(stream.headers, list(stream.rows()), stream.first_row_number)


class TableStream:
    """The header of an uploaded sheet, and its non-blank data rows read afresh on every call to
    ``rows()``: one row in memory at a time (openpyxl read-only / the csv reader)."""

    def __init__(self, data: bytes, filename: str):
        name = (filename or "").lower()
        if name.endswith(".xlsx") or data[:2] == b"PK":
            self._raw_rows = lambda: _xlsx_rows(data)
        elif name.endswith(".csv") or name.endswith(".txt"):
            text = _decode_csv(data)
            self._raw_rows = lambda: _csv_rows(text)
        elif name.endswith(".xls"):
            raise InvalidInput(_("不支持旧版 .xls 文件，请在 Excel/WPS 中另存为 .xlsx 后上传。"), code="xls_unsupported")
        else:
            raise InvalidInput(_("请上传 .xlsx 或 .csv 文件。"), code="file_type")
        self.headers, self._header_index = self._find_header()
        self.first_row_number = self._header_index + 2

    def _find_header(self):
        """Exports often carry a title line or two above the header: the header is the fullest of
        the first few non-blank rows."""
        candidates = []
        for i, row in enumerate(self._raw_rows()):
            if _filled(row):
                candidates.append((i, row))
                if len(candidates) == 5:
                    break
        if not candidates:
            raise InvalidInput(_("文件是空的。"), code="empty_file")
        index, row = max(candidates, key=lambda c: (_filled(c[1]), -c[0]))
        return [_clean_header(h) for h in row], index

    def rows(self):
        """The data rows below the header, blank rows skipped; more than MAX_ROWS is refused."""
        count = 0
        for i, row in enumerate(self._raw_rows()):
            if i <= self._header_index or not _filled(row):
                continue
            count += 1
            if count > MAX_ROWS:
                raise InvalidInput(_("文件超过 %(n)s 行，请分批导入。"), code="too_many_rows", n=MAX_ROWS)
            yield list(row)


def open_table(data: bytes, filename: str) -> TableStream:
    """An uploaded .xlsx or .csv, read as a stream. Raises InvalidInput naming the problem."""
    return TableStream(data, filename)


def _xlsx_rows(data: bytes):
    import zipfile

    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise InvalidInput(_("无法读取该 Excel 文件，请确认是 .xlsx 格式且未加密。"), code="xlsx_unreadable") from exc
    try:
        yield from workbook.worksheets[0].iter_rows(values_only=True)
    finally:
        workbook.close()


def _decode_csv(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InvalidInput(_("无法识别文件编码，请另存为 UTF-8 或 GBK 编码的 CSV。"),  # pragma: no cover - gb18030 decodes any
                       code="csv_encoding")


def _csv_rows(text: str):
    try:
        yield from csv.reader(io.StringIO(text))
    except csv.Error as exc:
        raise InvalidInput(_("CSV 格式错误：%(error)s"), code="csv_invalid", error=str(exc)) from exc


def _filled(row) -> int:
    return sum(1 for c in row if c not in (None, "") and str(c).strip())


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


def write_rows_streamed(headers: list[str], rows, *, highlight_column: int | None = None) -> bytes:
    """An .xlsx of one data sheet written row by row (openpyxl write-only), for error copies of
    large imports: ``rows`` may be a generator and is never held whole."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font, PatternFill

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("数据")
    for i, header in enumerate(headers):
        sheet.column_dimensions[_column_letter(i + 1)].width = max(10, min(40, len(str(header)) * 2 + 4))
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="FFE0E0")
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        values = ["" if v is None else v for v in row]
        if highlight_column is not None and highlight_column < len(values) and values[highlight_column]:
            cell = WriteOnlyCell(sheet, value=values[highlight_column])
            cell.fill = fill
            values[highlight_column] = cell
        sheet.append(values)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


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


def write_sheets(sheets) -> bytes:
    """An .xlsx of several sheets: ``sheets`` is a list of (title, headers, rows)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, headers, rows in sheets:
        sheet = workbook.create_sheet(title)
        sheet.append(headers)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append(["" if v is None else v for v in row])
        for i, header in enumerate(headers, start=1):
            sheet.column_dimensions[_column_letter(i)].width = max(10, min(40, len(str(header)) * 2 + 4))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()

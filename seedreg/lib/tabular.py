"""Reading and writing the spreadsheets people actually have: .xlsx from Excel or WPS, and
CSV saved as UTF-8 (with or without BOM) or GBK/GB18030 (what Excel on a Chinese Windows
writes). Used by every bulk import; the error copy goes back as .xlsx with an error column."""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import struct
import tempfile
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


def read_table(data, filename: str) -> Table:
    """Parse an uploaded .xlsx or .csv into memory. Raises InvalidInput naming the problem.
    Large imports use ``open_table`` instead, which never holds the whole sheet."""
    stream = open_table(data, filename)
    return Table(stream.headers, list(stream.rows()), stream.first_row_number)


class TableStream:
    """The header of an uploaded sheet, and its non-blank data rows read afresh on every call to
    ``rows()``: one row in memory at a time (openpyxl read-only / the csv reader).

    ``source`` is the file's bytes, a path, or a seekable binary file (an upload, a stored
    file): a path or a file is read from disk as it is parsed, never held whole."""

    def __init__(self, source, filename: str):
        self._source = source
        self._sheet = {}  # .xlsx: the first sheet's dimension and path, noted by the header pass
        name = (filename or "").lower()
        with self._open() as f:
            magic = f.read(2)
        if name.endswith(".xlsx") or magic == b"PK":
            self.kind = "xlsx"
            self._raw_rows = lambda: _xlsx_rows(self._open(), self._sheet)
        elif name.endswith(".csv") or name.endswith(".txt"):
            self.kind = "csv"
            encoding = _csv_encoding(self._open())
            self._raw_rows = lambda: _csv_rows(self._open(), encoding)
        elif name.endswith(".xls"):
            raise InvalidInput(_("不支持旧版 .xls 文件，请在 Excel/WPS 中另存为 .xlsx 后上传。"), code="xls_unsupported")
        else:
            raise InvalidInput(_("请上传 .xlsx 或 .csv 文件。"), code="file_type")
        self.headers, self._header_index, self._data_follows = self._find_header()
        self.first_row_number = self._header_index + 2

    def _open(self):
        """A binary file positioned at the start; closing it leaves a caller's file open."""
        if isinstance(self._source, bytes | bytearray):
            return io.BytesIO(self._source)
        if isinstance(self._source, str | os.PathLike):
            return open(self._source, "rb")  # noqa: SIM115 - closed by the reader that uses it
        self._source.seek(0)
        return _Unclosed(self._source)

    def _find_header(self):
        """Exports often carry a title line or two above the header: the header is the fullest of
        the first few non-blank rows. Also says whether a data row follows it (None: not known
        from the rows read)."""
        candidates = []
        rows = self._raw_rows()
        try:
            for i, row in enumerate(rows):
                if _filled(row):
                    candidates.append((i, row))
                    if len(candidates) == 5:
                        break
        finally:
            rows.close()
        if not candidates:
            raise InvalidInput(_("文件是空的。"), code="empty_file")
        index, row = max(candidates, key=lambda c: (_filled(c[1]), -c[0]))
        follows = True if index < candidates[-1][0] else (False if len(candidates) < 5 else None)
        return [_clean_header(h) for h in row], index, follows

    def rows(self):
        """The data rows below the header, blank rows skipped; more than MAX_ROWS is refused."""
        count = 0
        raw = self._raw_rows()
        try:
            for i, row in enumerate(raw):
                if i <= self._header_index or not _filled(row):
                    continue
                count += 1
                if count > MAX_ROWS:
                    raise InvalidInput(_("文件超过 %(n)s 行，请分批导入。"), code="too_many_rows", n=MAX_ROWS)
                yield list(row)
        finally:
            raw.close()

    def has_rows(self) -> bool:
        """Whether any data row follows the header (known from the header pass, or read up to
        the first one)."""
        if self._data_follows is not None:
            return self._data_follows
        rows = self.rows()
        try:
            return next(rows, None) is not None
        finally:
            rows.close()

    def estimated_rows(self) -> int:
        """The number of data rows without parsing them, for a progress bar: from the sheet's
        dimension, else by counting the row tags (.xlsx) or line ends (CSV) in the raw bytes. An
        upper bound (blank rows count); an import counts the real number as it reads."""
        if self.kind == "xlsx":
            lines = self._sheet.get("max_row") or _xlsx_row_tags(self._open(), self._sheet["path"])
        else:
            lines, last = 0, b"\n"
            with self._open() as f:
                for chunk in iter(lambda: f.read(1 << 20), b""):
                    lines += chunk.count(b"\n")
                    last = chunk[-1:]
            lines += last != b"\n"
        return max(0, lines - self._header_index - 1)


class _Unclosed(io.RawIOBase):
    """A caller's open file handed to a reader that closes what it reads: closing this leaves
    the file open (an upload is saved after it is checked)."""

    def __init__(self, raw):
        self._raw = raw

    def readable(self):
        return True

    def seekable(self):
        return True

    def read(self, size=-1):
        return self._raw.read(size)

    def readinto(self, buffer):
        data = self._raw.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)

    def seek(self, offset, whence=io.SEEK_SET):
        return self._raw.seek(offset, whence)

    def tell(self):
        return self._raw.tell()


def open_table(source, filename: str) -> TableStream:
    """An uploaded .xlsx or .csv (bytes, a path or a seekable binary file), read as a stream.
    Raises InvalidInput naming the problem."""
    return TableStream(source, filename)


# --- .xlsx: openpyxl read-only, with memory that does not grow with the file ------------------
#
# openpyxl's read-only mode streams the sheet, but two things in it still grow with the file: the
# shared-strings table is loaded whole (every distinct farmer name and document number of a
# ledger), and each parsed <row> element, though cleared, stays attached to <sheetData> until
# the end. ``_SpooledStrings`` reads the table only as far as the cells need it and keeps it in
# a temporary file, and ``_sheet_rows`` detaches every row once read. Cells are parsed as
# openpyxl parses them (its own ``parse_cell`` for dates by the cell's number format and the
# 1900/1904 epoch), so the values are the same as openpyxl's ``iter_rows(values_only=True)``.

class _SpooledStrings:
    """A workbook's shared strings, parsed from the archive only as far as the highest index
    asked for (Excel numbers them in order of first use, so this keeps pace with the rows), kept
    in a temporary file and read back with ``os.pread`` (the page cache holds them, not this
    process). The last few thousand looked up stay in memory: most cells repeat a few words."""

    KEEP = 4096
    _ENTRY = struct.Struct("<QI")  # offset, length

    def __init__(self, archive, path):
        from openpyxl.cell.text import Text
        from openpyxl.xml.constants import SHEET_MAIN_NS
        from openpyxl.xml.functions import iterparse

        self._text = Text
        self._tag, self._plain = f"{{{SHEET_MAIN_NS}}}si", f"{{{SHEET_MAIN_NS}}}t"
        self._src = archive.open(path)
        self._nodes = iterparse(self._src, events=("start", "end"))
        self._parent = None
        self._data = tempfile.TemporaryFile(buffering=0)
        self._index = tempfile.TemporaryFile(buffering=0)
        self._count = self._offset = 0
        self._kept = {}

    def _read_through(self, i):
        for event, node in self._nodes:
            if event == "start":
                if self._parent is None:
                    self._parent = node  # <sst>: each <si> is detached from it once read
                continue
            if node.tag != self._tag:
                continue
            if len(node) == 1 and node[0].tag == self._plain and not node[0].attrib:
                value = node[0].text or ""  # <si><t>…</t></si>, nearly every entry
            else:
                value = self._text.from_tree(node).content  # rich text runs, phonetic hints
            encoded = value.replace("x005F_", "").encode()
            node.clear()
            self._parent.remove(node)
            self._index.write(self._ENTRY.pack(self._offset, len(encoded)))
            self._data.write(encoded)
            self._offset += len(encoded)
            self._count += 1
            if self._count > i:
                return
        raise IndexError(i)

    def __getitem__(self, i):
        value = self._kept.get(i)
        if value is None:
            if i >= self._count:
                self._read_through(i)
            offset, length = self._ENTRY.unpack(os.pread(self._index.fileno(), self._ENTRY.size, self._ENTRY.size * i))
            value = os.pread(self._data.fileno(), length, offset).decode()
            if len(self._kept) >= self.KEEP:
                self._kept.clear()
            self._kept[i] = value
        return value

    def close(self):
        self._src.close()
        self._data.close()
        self._index.close()


def _open_workbook(f):
    """openpyxl's read-only reader with the shared strings spooled; raises InvalidInput."""
    import zipfile

    from openpyxl.reader.excel import SHARED_STRINGS, ExcelReader
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet
    from openpyxl.worksheet._reader import DIMENSION_TAG
    from openpyxl.worksheet.dimensions import SheetDimension
    from openpyxl.xml.constants import SHEET_MAIN_NS
    from openpyxl.xml.functions import iterparse

    sheet_data = f"{{{SHEET_MAIN_NS}}}sheetData"

    class Sheet(ReadOnlyWorksheet):
        def _get_size(self):
            # openpyxl looks for the dimension until the *end* of <sheetData>: a sheet without one
            # (openpyxl's own write-only files) was parsed whole, and held, just to find that out.
            with self._get_source() as src:
                for _event, element in iterparse(src, events=("start",)):
                    if element.tag == DIMENSION_TAG:
                        self._min_column, self._min_row, self._max_column, self._max_row = \
                            SheetDimension.from_tree(element).boundaries
                        break
                    if element.tag == sheet_data:
                        break

    class Reader(ExcelReader):
        def read_strings(self):
            ct = self.package.find(SHARED_STRINGS)
            if ct is not None:
                self.shared_strings = _SpooledStrings(self.archive, ct.PartName[1:])

        def read_worksheets(self):
            for sheet, rel in self.parser.find_sheets():
                if rel.target in self.valid_files and "chartsheet" not in rel.Type:
                    self.wb._sheets.append(Sheet(self.wb, sheet.name, rel.target, self.shared_strings))

    try:
        reader = Reader(f, read_only=True, data_only=True)
        reader.read()
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise InvalidInput(_("无法读取该 Excel 文件，请确认是 .xlsx 格式且未加密。"), code="xlsx_unreadable") from exc
    return reader


def _sheet_rows(workbook):
    """(row number, [(column, value), ...]) of the first sheet, each <row> element detached once
    parsed. Shared-string, plain-number and formula-text cells (nearly all of a ledger) are read
    here, as openpyxl's ``parse_cell`` would read them but without its per-cell coordinate parsing
    and dict; any other cell (dates, booleans, inline strings, errors) goes to ``parse_cell``."""
    from openpyxl.utils.cell import column_index_from_string
    from openpyxl.worksheet._reader import ROW_TAG, VALUE_TAG, WorkSheetParser, _cast_number
    from openpyxl.xml.constants import SHEET_MAIN_NS
    from openpyxl.xml.functions import iterparse

    sheet_data = f"{{{SHEET_MAIN_NS}}}sheetData"
    sheet = workbook.worksheets[0]
    columns = {}  # "AB" → 28

    def column_of(coordinate):
        letters = coordinate.rstrip("0123456789")
        if letters not in columns:
            columns[letters] = column_index_from_string(letters)
        return columns[letters]

    with sheet._get_source() as src:
        parser = WorkSheetParser(src, sheet._shared_strings, data_only=True, epoch=workbook.epoch,
                                 date_formats=workbook._date_formats, timedelta_formats=workbook._timedelta_formats)
        strings, dates = parser.shared_strings, parser.date_formats
        parent = None
        for event, element in iterparse(src, events=("start", "end")):
            if event == "start":
                if element.tag == sheet_data:
                    parent = element
                continue
            if element.tag != ROW_TAG:
                continue
            number = element.get("r")
            parser.row_counter = parser.row_counter + 1 if number is None else int(float(number))
            column, cells = 0, []
            for cell in element:
                kind, coordinate, style = cell.get("t", "n"), cell.get("r"), cell.get("s")
                column = column_of(coordinate) if coordinate else column + 1
                if kind == "s" or kind == "str" or (kind == "n" and (not style or int(style) not in dates)):
                    value = cell.findtext(VALUE_TAG) or None
                    if value is not None and kind != "str":
                        value = strings[int(value)] if kind == "s" else _cast_number(value)
                else:
                    parser.col_counter = column - 1
                    value = parser.parse_cell(cell)["value"]
                cells.append((column, value))
            element.clear()
            if parent is not None:
                parent.remove(element)
            yield parser.row_counter, cells


def _xlsx_rows(f, sheet_info: dict):
    """The first sheet's rows as value tuples, as openpyxl's ``iter_rows(values_only=True)``
    gives them (a missing row as an empty tuple, but never cut short by a wrong dimension).
    Notes the sheet's dimension and path in ``sheet_info``."""
    with f:
        reader = _open_workbook(f)
        workbook = reader.wb
        try:
            if not workbook.worksheets:
                return
            sheet = workbook.worksheets[0]
            sheet_info.update(max_row=sheet.max_row, path=sheet._worksheet_path)
            width, expected = sheet.max_column, 1
            for number, cells in _sheet_rows(workbook):
                while expected < number:
                    expected += 1
                    yield ()
                expected = number + 1
                if not cells:
                    yield ()
                    continue
                row = [None] * (width or cells[-1][0])
                for column, value in cells:
                    if column <= len(row):
                        row[column - 1] = value
                yield tuple(row)
        finally:
            workbook.close()
            if isinstance(reader.shared_strings, _SpooledStrings):
                reader.shared_strings.close()


_ROW_TAG = re.compile(rb"<(?:[A-Za-z0-9_]{1,16}:)?row[\s>/]")


def _xlsx_row_tags(f, path) -> int:
    """The row elements of a sheet without a dimension, counted in its decompressed bytes (no
    XML parsing; a tag split across two chunks is counted once)."""
    import zipfile

    count, tail = 0, b""
    with f, zipfile.ZipFile(f) as archive, archive.open(path) as src:
        for chunk in iter(lambda: src.read(1 << 20), b""):
            text = tail + chunk
            count += len(_ROW_TAG.findall(text)) - len(_ROW_TAG.findall(tail))
            tail = text[-24:]
    return count


def _csv_encoding(f) -> str:
    """UTF-8 (with or without BOM) if the whole file decodes as such, else GB18030 (what Excel
    on a Chinese Windows writes); checked chunk by chunk, never holding the file."""
    with f:
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "gb18030"
    return "utf-8-sig"


def _csv_rows(f, encoding):
    with f:
        text = io.TextIOWrapper(f, encoding=encoding, newline="")
        try:
            yield from csv.reader(text)
        except (csv.Error, UnicodeDecodeError) as exc:
            raise InvalidInput(_("CSV 格式错误：%(error)s"), code="csv_invalid", error=str(exc)) from exc
        finally:
            text.detach()


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

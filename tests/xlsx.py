"""A writer of .xlsx files as Excel saves them, for tests and benchmarks of the importers."""

import datetime
from decimal import Decimal


def write_excel_like(path, header, rows, count):
    """Write ``header`` and ``rows`` (``count`` rows in all, header included) to ``path`` (or a
    binary file) as Excel and WPS save a sheet, which openpyxl cannot: a dimension, every text
    in one shared-strings table, dates as day numbers with a date format. Streamed: the rows may
    be a generator."""
    import zipfile
    from xml.sax.saxutils import escape

    from openpyxl.utils import get_column_letter

    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    pkg = "http://schemas.openxmlformats.org/package/2006/relationships"
    ct = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    strings, letters = {}, [get_column_letter(i + 1) for i in range(len(header))]
    epoch = datetime.date(1899, 12, 30)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="{ct}.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="{ct}.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="{ct}.sharedStrings+xml"/><Override PartName="/xl/styles.xml" ContentType="{ct}.styles+xml"/></Types>')  # noqa: E501
        z.writestr("_rels/.rels", f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{pkg}"><Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>')  # noqa: E501
        z.writestr("xl/workbook.xml", f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="{main}" xmlns:r="{rel}"><sheets><sheet name="数据" sheetId="1" r:id="rId1"/></sheets></workbook>')  # noqa: E501
        z.writestr("xl/_rels/workbook.xml.rels", f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{pkg}"><Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rId3" Type="{rel}/styles" Target="styles.xml"/></Relationships>')  # noqa: E501
        z.writestr("xl/styles.xml", f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="{main}"><fonts count="1"><font><sz val="11"/><name val="等线"/></font></fonts><fills count="1"><fill><patternFill patternType="none"/></fill></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs><cellStyles count="1"><cellStyle name="常规" xfId="0" builtinId="0"/></cellStyles></styleSheet>')  # noqa: E501
        with z.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{main}"><dimension ref="A1:{letters[-1]}{count}"/><sheetData>'.encode())  # noqa: E501
            for r, row in enumerate([header, *rows], start=1):
                cells = []
                for letter, value in zip(letters, row, strict=True):
                    if value in ("", None):
                        continue
                    if isinstance(value, datetime.date):
                        cells.append(f'<c r="{letter}{r}" s="1"><v>{(value - epoch).days}</v></c>')
                    elif isinstance(value, int | float | Decimal):
                        cells.append(f'<c r="{letter}{r}"><v>{value}</v></c>')
                    else:
                        index = strings.setdefault(value, len(strings))
                        cells.append(f'<c r="{letter}{r}" t="s"><v>{index}</v></c>')
                sheet.write(f'<row r="{r}" spans="1:{len(letters)}">{"".join(cells)}</row>'.encode())
            sheet.write(b"</sheetData></worksheet>")
        with z.open("xl/sharedStrings.xml", "w") as sst:
            sst.write(f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="{main}" count="{len(strings)}" uniqueCount="{len(strings)}">'.encode())  # noqa: E501
            for value in strings:
                sst.write(f"<si><t>{escape(value)}</t></si>".encode())
            sst.write(b"</sst>")

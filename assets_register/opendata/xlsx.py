"""A streamed XLSX writer: SpreadsheetML into a zip that is handed on as it is written
(openpyxl's writer took a minute for 150,000 rows, past a web worker's timeout; this takes
a few seconds). Text is never a formula (see _cell)."""

import re
import zipfile

from django.conf import settings
from django.utils import timezone

from assets_register.core.files import FORMULA_STARTS
from assets_register.core.licences import ATTRIBUTION_LINES, LICENCE_SUMMARY, LICENCES


class _Sink:
    """A write-only file for zipfile that hands on whatever has been written so far."""

    def __init__(self):
        self.parts = []

    def write(self, data):
        self.parts.append(bytes(data))
        return len(data)

    def flush(self):
        pass

    def drain(self):
        data = b"".join(self.parts)
        self.parts.clear()
        return data


XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
XLSX_MAX_TEXT = 32767  # characters in one cell
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
BOLD, AS_TEXT = 1, 2  # cell styles: the header, and text that would look like a formula
XLSX_PARTS = {
    "[Content_Types].xml": (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/worksheets/sheet2.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/docProps/core.xml" '
        'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        f'<Relationships xmlns="{PKG_REL_NS}">'
        f'<Relationship Id="rId1" Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/'
        'relationships/metadata/core-properties" Target="docProps/core.xml"/>'
        "</Relationships>"
    ),
    "xl/workbook.xml": (
        f'<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><sheets>'
        '<sheet name="Places" sheetId="1" r:id="rId1"/>'
        '<sheet name="Licence" sheetId="2" r:id="rId2"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        f'<Relationships xmlns="{PKG_REL_NS}">'
        f'<Relationship Id="rId1" Type="{REL_NS}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{REL_NS}/worksheet" Target="worksheets/sheet2.xml"/>'
        f'<Relationship Id="rId3" Type="{REL_NS}/styles" Target="styles.xml"/>'
        "</Relationships>"
    ),
    "xl/styles.xml": (
        f'<styleSheet xmlns="{MAIN_NS}">'
        '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
        '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border>'
        '</borders><cellStyleXfs count="1">'
        '<xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
        '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1"/>'
        '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
        "</cellStyles></styleSheet>"
    ),
}


def _column_letters(count):
    letters = []
    for n in range(1, count + 1):
        name = ""
        while n:
            n, rest = divmod(n - 1, 26)
            name = chr(65 + rest) + name
        letters.append(name)
    return letters


def _xml_text(value):
    text = XML_ILLEGAL.sub("", str(value))[:XLSX_MAX_TEXT]
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _xlsx_cell(ref, value, number=False, style=0):
    """One cell. Text is stored as a string, never a formula; text that starts like a
    formula is also quote-prefixed, as if typed after an apostrophe, so that editing it
    in a spreadsheet keeps it text."""
    if value is None or value == "":
        return ""
    if number:
        return f'<c r="{ref}"><v>{value}</v></c>'
    text = _xml_text(value)
    if not style and text.startswith(FORMULA_STARTS):
        style = AS_TEXT
    space = ' xml:space="preserve"' if text != text.strip() else ""
    styled = f' s="{style}"' if style else ""
    return f'<c r="{ref}" t="inlineStr"{styled}><is><t{space}>{text}</t></is></c>'


def _xlsx_row(number, letters, values, numbers=(), style=0):
    cells = "".join(
        _xlsx_cell(f"{letter}{number}", value, index in numbers, style)
        for index, (letter, value) in enumerate(zip(letters, values, strict=False))
    )
    return f'<row r="{number}">{cells}</row>'


def _sheet_start(widths=(), frozen_header=False):
    view = (
        '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
        'activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>'
        if frozen_header
        else ""
    )
    cols = "".join(
        f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'
        for i, w in enumerate(widths, start=1)
    )
    return (
        f'{XML_HEAD}<worksheet xmlns="{MAIN_NS}">{view}'
        f"{f'<cols>{cols}</cols>' if cols else ''}<sheetData>"
    )


def _core_properties(about):
    created = timezone.now().strftime("%Y-%m-%dT%H:%M:%SZ")
    return (
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
        'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{_xml_text(about['title'])}</dc:title>"
        f"<dc:creator>{_xml_text(settings.WAGTAIL_SITE_NAME)}</dc:creator>"
        f"<dc:description>{_xml_text(LICENCE_SUMMARY + ' ' + ' '.join(ATTRIBUTION_LINES))}"
        "</dc:description>"
        f"<dc:rights>{_xml_text(LICENCE_SUMMARY)}</dc:rights>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{created}</dcterms:created>'
        "</cp:coreProperties>"
    )


def _licence_rows(about, count, fields):
    yield [about["title"]], BOLD
    for label, value in (
        ("Downloaded from", about["url"]),
        ("Generated", about["generated"]),
        ("Selection", about["selection"]),
        ("Places", str(count)),
        ("Licence", LICENCE_SUMMARY),
    ):
        yield [label, value], 0
    for licence_id, (name, url) in LICENCES.items():
        yield [licence_id, name, url], 0
    yield [], 0
    yield ["Attribution"], BOLD
    for line in ATTRIBUTION_LINES:
        yield [line], 0
    yield ["Sources and licences in full", about["about_url"]], 0
    yield [], 0
    yield ["Field", "Meaning"], BOLD
    for field, meaning in fields.items():
        yield [field, meaning], 0


def xlsx_stream(batches, about, fields, numbers=()):
    """An XLSX workbook written as it streams out: the places on a "Places" sheet (first,
    so that programs reading the first sheet get the data), then a "Licence" sheet with
    the licence, the attribution, what was selected and what each field means."""
    sink = _Sink()
    meanings, fields = fields, list(fields)
    letters = _column_letters(len(fields))
    numbers = {index for index, field in enumerate(fields) if field in numbers}
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, body in XLSX_PARTS.items():
            archive.writestr(name, XML_HEAD + body)
        archive.writestr("docProps/core.xml", XML_HEAD + _core_properties(about))
        yield sink.drain()
        count = 0
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(_sheet_start(frozen_header=True).encode())
            sheet.write(_xlsx_row(1, letters, fields, style=BOLD).encode())
            for batch in batches:
                sheet.write(
                    "".join(
                        _xlsx_row(count + offset, letters, [row[f] for f in fields], numbers)
                        for offset, row in enumerate(batch, start=2)
                    ).encode()
                )
                count += len(batch)
                yield sink.drain()
            sheet.write(b"</sheetData></worksheet>")
        with archive.open("xl/worksheets/sheet2.xml", "w") as sheet:
            sheet.write(_sheet_start(widths=(28, 100, 70)).encode())
            licence_rows = enumerate(_licence_rows(about, count, meanings), start=1)
            sheet.write(
                "".join(
                    _xlsx_row(number, letters, values, style=style)
                    for number, (values, style) in licence_rows
                ).encode()
            )
            sheet.write(b"</sheetData></worksheet>")
    yield sink.drain()

"""Hand-made .xlsx files for the importer tests: a real workbook whose sheet XML is then rewritten."""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

from openpyxl import Workbook

SHEET = "xl/worksheets/sheet1.xml"


def workbook(path: Path, rows: list[list]) -> Path:
    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def rewrite_sheet(path: Path, change) -> Path:
    """Replace sheet1.xml by change(old_xml) (bytes or an iterable of bytes chunks)."""
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    new = change(parts[SHEET].decode("utf-8"))
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for name, data in parts.items():
            if name == SHEET:
                with z.open(name, "w") as f:
                    for chunk in ([new] if isinstance(new, (bytes, str)) else new):
                        f.write(chunk.encode("utf-8") if isinstance(chunk, str) else chunk)
            else:
                z.writestr(name, data)
    tmp.replace(path)
    return path


def stale_dimension(path: Path, ref: str = "A1:H2") -> Path:
    """What WPS and other tools write: a <dimension> smaller than the data."""
    return rewrite_sheet(path, lambda xml: re.sub(r'<dimension ref="[^"]*"\s*/>', f'<dimension ref="{ref}"/>', xml))


def entity_expansion(path: Path) -> Path:
    """The billion-laughs pattern inside the sheet XML."""
    lol = ['<!ENTITY lol0 "lol">'] + [f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 10)]
    dtd = "<!DOCTYPE worksheet [" + "".join(lol) + "]>"

    def change(xml: str) -> str:
        xml = xml.replace("?>", "?>" + dtd, 1) if xml.startswith("<?xml") else dtd + xml
        return re.sub(r"<v>[^<]*</v>", "<v>&lol9;</v>", xml, count=1)
    return rewrite_sheet(path, change)


def many_rows(path: Path, n: int) -> Path:
    """A sheet of n rows written as a stream (n = 1,000,000 compresses to about 1.5 MB)."""
    def change(xml: str):
        head, _, _ = xml.partition("<sheetData>")
        head = re.sub(r'<dimension ref="[^"]*"\s*/>', '<dimension ref="A1:A1"/>', head)
        yield head + "<sheetData>"
        block = []
        for i in range(1, n + 1):
            block.append(f'<row r="{i}"><c r="A{i}" t="inlineStr"><is><t>x</t></is></c></row>')
            if len(block) == 10_000:
                yield "".join(block)
                block = []
        yield "".join(block) + "</sheetData></worksheet>"
    return rewrite_sheet(path, change)

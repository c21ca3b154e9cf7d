"""Shared page layout for printed forms: A4 with GB/T 9704 margins, styles, bordered form tables,
and a footer with "第 N 页 共 M 页".

Forms use 五号/小四 text (10.5–12 pt) rather than the 3号 of official letters (domain.md §6.8 allows
forms to adapt the layout).
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from functools import lru_cache
from typing import Any, Sequence
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Table, TableStyle

from .fonts import font_for, printable

PAGE_WIDTH, PAGE_HEIGHT = A4
TOP, LEFT, RIGHT, BOTTOM = 37 * mm, 28 * mm, 26 * mm, 35 * mm   # GB/T 9704 天头, 订口, right, bottom
FRAME_WIDTH = PAGE_WIDTH - LEFT - RIGHT                         # 156 mm

LABEL_BG = colors.Color(0.92, 0.92, 0.92)
LINE = colors.black
BOX_WIDTH = 0.9

PAD_X = 4            # cell padding, points
PAD_Y = 2.5
MAX_LINES_PER_ROW = 6  # long text is cut into rows of at most this many lines so tables can break


# --- text helpers -----------------------------------------------------------------------------

def text(value: Any) -> str:
    """A printable string; None and empty values print as blank."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return fmt_datetime(value)
    if isinstance(value, date):
        return fmt_date(value)
    if isinstance(value, Enum):
        return printable(str(value.value))
    return printable(str(value))


def fmt_date(d: date | None) -> str:
    return f"{d.year}年{d.month}月{d.day}日" if d else ""


def fmt_datetime(dt: datetime | None) -> str:
    return f"{fmt_date(dt)} {dt:%H:%M}" if dt else ""


def markup(value: Any) -> str:
    """Escape user text for a Paragraph; line breaks are kept."""
    s = escape(text(value))
    return s.replace("\r\n", "\n").replace("\n", "<br/>")


# --- styles -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Styles:
    title: ParagraphStyle
    subtitle: ParagraphStyle
    label: ParagraphStyle
    value: ParagraphStyle
    value_center: ParagraphStyle
    value_indent: ParagraphStyle
    small: ParagraphStyle
    meta_left: ParagraphStyle
    meta_right: ParagraphStyle
    section: ParagraphStyle
    body: ParagraphStyle


@lru_cache(maxsize=1)
def styles() -> Styles:
    body, heading, title, kai = (font_for(r) for r in ("body", "heading", "title", "kai"))

    def ps(name: str, font: str, size: float, leading: float, align: int = TA_LEFT, **kw) -> ParagraphStyle:
        return ParagraphStyle(name, fontName=font, fontSize=size, leading=leading, alignment=align,
                              wordWrap="CJK", **kw)

    return Styles(
        title=ps("xf-title", title, 20, 28, TA_CENTER, spaceAfter=2),
        subtitle=ps("xf-subtitle", kai, 12, 18, TA_CENTER, spaceAfter=2),
        label=ps("xf-label", heading, 10.5, 14, TA_CENTER),
        value=ps("xf-value", body, 10.5, 15),
        value_center=ps("xf-value-c", body, 10.5, 15, TA_CENTER),
        value_indent=ps("xf-value-i", body, 10.5, 15, firstLineIndent=21),   # 首行缩进两字
        small=ps("xf-small", body, 9, 12),
        meta_left=ps("xf-meta-l", body, 10.5, 15),
        meta_right=ps("xf-meta-r", body, 10.5, 15, TA_RIGHT),
        section=ps("xf-section", heading, 10.5, 14),
        body=ps("xf-body", body, 12, 20),
    )


def para(value: Any, style: ParagraphStyle | None = None) -> Paragraph:
    return Paragraph(markup(value), style or styles().value)


def split_lines(p: Paragraph, width: float, max_lines: int = MAX_LINES_PER_ROW) -> list[Paragraph]:
    """Cut a paragraph into pieces of at most ``max_lines`` lines (split at line ends), so a long
    text can sit in several table rows and the table can continue on the next page."""
    leading = p.style.leading
    limit = max_lines * leading + 0.5
    pieces: list[Paragraph] = []
    _, h = p.wrap(width, 1e7)
    while h > limit:
        parts = p.split(width, limit)
        if len(parts) < 2:
            break
        pieces.append(parts[0])
        p = parts[1]
        _, h = p.wrap(width, 1e7)
    pieces.append(p)
    return pieces


# --- bordered forms ---------------------------------------------------------------------------

@dataclass
class Cell:
    content: Any                # Flowable, list of flowables, or plain value
    span: int = 1
    label: bool = False
    align: str = "LEFT"


def L(value: Any, span: int = 1) -> Cell:  # noqa: N802 - reads like a form
    """A shaded label cell."""
    return Cell(value, span, label=True, align="CENTER")


def V(value: Any, span: int = 1, align: str = "LEFT") -> Cell:  # noqa: N802
    """A value cell."""
    return Cell(value, span, align=align)


class FormTable(Table):
    """A table whose frame is closed at a page break: a rule under the part that ends a page and
    over the part that continues on the next one."""

    def split(self, availWidth, availHeight):  # noqa: N803 - reportlab API
        parts = super().split(availWidth, availHeight)
        if len(parts) == 2:
            parts[0].setStyle(TableStyle([("LINEBELOW", (0, -1), (-1, -1), BOX_WIDTH, LINE)]))
            parts[1].setStyle(TableStyle([("LINEABOVE", (0, 0), (-1, 0), BOX_WIDTH, LINE)]))
        return parts


@dataclass
class Form:
    """A bordered table built row by row. Each row is a list of cells whose spans add up to the
    number of columns. Rows added with ``joined=True`` have no rule under them (a long value
    continuing in the next row)."""

    widths: Sequence[float]
    rows: list[list[Any]] = field(default_factory=list)
    cmds: list[tuple] = field(default_factory=list)
    min_heights: list[float] = field(default_factory=list)

    def add(self, cells: Sequence[Cell], *, joined: bool = False, min_height: float = 0,
            valign: str = "MIDDLE") -> None:
        ncols = len(self.widths)
        if sum(c.span for c in cells) != ncols:
            raise ValueError("row spans do not match the number of columns")
        r = len(self.rows)
        row: list[Any] = []
        col = 0
        for c in cells:
            content = c.content
            if not isinstance(content, (Flowable, list)):
                if c.label:
                    content = para(content, styles().label)
                elif c.align == "CENTER":
                    content = para(content, styles().value_center)
                else:
                    content = para(content)
            row.append(content)
            row.extend([""] * (c.span - 1))
            if c.span > 1:
                self.cmds.append(("SPAN", (col, r), (col + c.span - 1, r)))
            if c.label:
                self.cmds.append(("BACKGROUND", (col, r), (col + c.span - 1, r), LABEL_BG))
            if col + c.span < ncols:
                self.cmds.append(("LINEAFTER", (col + c.span - 1, r), (col + c.span - 1, r), 0.5, LINE))
            col += c.span
        self.rows.append(row)
        self.min_heights.append(min_height)
        self.cmds.append(("VALIGN", (0, r), (-1, r), valign))
        if not joined:
            self.cmds.append(("LINEBELOW", (0, r), (-1, r), 0.5, LINE))

    def wide(self, label: Any, value: Any, *, label_span: int = 1, min_height: float = 0,
             style: ParagraphStyle | None = None) -> None:
        """A label and a value filling the rest of the row; a long value becomes several rows."""
        ncols = len(self.widths)
        width = sum(self.widths[label_span:]) - 2 * PAD_X
        blocks = text(value).replace("\r\n", "\n").split("\n") if text(value) else [""]
        pieces: list[tuple[Paragraph, bool, bool]] = []   # (piece, continues above, continues below)
        for block in blocks:
            parts = split_lines(para(block, style), width)
            pieces.extend((p, i > 0, i < len(parts) - 1) for i, p in enumerate(parts))
        n = len(pieces)
        for i, (piece, cont_above, cont_below) in enumerate(pieces):
            first, last = i == 0, i == n - 1
            r = len(self.rows)
            self.add([L(label if first else "", label_span), V(piece, ncols - label_span)],
                     joined=not last, valign="TOP" if n > 1 else "MIDDLE",
                     min_height=min_height if n == 1 else 0)
            # pieces of one paragraph sit flush; separate paragraphs keep the cell padding
            if cont_above:
                self.cmds.append(("TOPPADDING", (label_span, r), (-1, r), 0))
            if cont_below:
                self.cmds.append(("BOTTOMPADDING", (label_span, r), (-1, r), 0))

    def section(self, title: str) -> None:
        self.add([Cell(para(title, styles().section), len(self.widths), label=True)])

    def table(self) -> Table:
        t = FormTable(self.rows, colWidths=list(self.widths), minRowHeights=self.min_heights,
                  hAlign="CENTER")
        base = [
            ("BOX", (0, 0), (-1, -1), BOX_WIDTH, LINE),
            ("FONTNAME", (0, 0), (-1, -1), font_for("body")),   # for plain-string filler cells
            ("LEFTPADDING", (0, 0), (-1, -1), PAD_X),
            ("RIGHTPADDING", (0, 0), (-1, -1), PAD_X),
            ("TOPPADDING", (0, 0), (-1, -1), PAD_Y),
            ("BOTTOMPADDING", (0, 0), (-1, -1), PAD_Y),
        ]
        t.setStyle(TableStyle(base + self.cmds))
        return t


def meta_line(left: str, right: str) -> Table:
    """An unbordered line with text at both ends (e.g. 编号 … 登记时间 …)."""
    st = styles()
    t = Table([[para(left, st.meta_left), para(right, st.meta_right)]],
              colWidths=[FRAME_WIDTH / 2, FRAME_WIDTH / 2])
    t.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), font_for("body")),
                           ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                           ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                           ("VALIGN", (0, 0), (-1, -1), "BOTTOM")]))
    return t


# --- document with footer ---------------------------------------------------------------------

def _canvas_maker(footer_left: str, footer_mid: str):
    foot_font = font_for("body")

    class FooterCanvas(Canvas):
        """Holds pages until the end so every footer can say how many pages there are."""

        def __init__(self, *args, **kwargs):
            # start pages in our font: otherwise an unused, non-embedded Helvetica is referenced
            kwargs["initialFontName"] = kwargs.get("initialFontName") or foot_font
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self):  # noqa: N802 - reportlab API
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for n, state in enumerate(self._pages, 1):
                self.__dict__.update(state)
                self._footer(n, total)
                super().showPage()
            super().save()

        def _footer(self, n: int, total: int) -> None:
            y = BOTTOM - 12 * mm
            self.saveState()
            self.setStrokeColor(LINE)
            self.setLineWidth(0.4)
            self.line(LEFT, y + 11, PAGE_WIDTH - RIGHT, y + 11)
            self.setFont(foot_font, 9)
            self.drawString(LEFT, y, footer_left)
            self.drawCentredString(PAGE_WIDTH / 2, y, footer_mid)
            self.drawRightString(PAGE_WIDTH - RIGHT, y, f"第 {n} 页 共 {total} 页")
            self.restoreState()

    return FooterCanvas


def build_pdf(story: list, *, title: str, footer_left: str, footer_mid: str) -> bytes:
    """Lay out ``story`` on A4 pages and return the PDF bytes."""
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf, pagesize=A4, topMargin=TOP, leftMargin=LEFT, rightMargin=RIGHT, bottomMargin=BOTTOM,
        title=title, author="", subject="", creator="xinfang", producer="xinfang (reportlab)",
    )
    doc.build(story, canvasmaker=_canvas_maker(footer_left, footer_mid))
    return buf.getvalue()

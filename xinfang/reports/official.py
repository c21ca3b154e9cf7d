"""GB/T 9704 official-document pages (domain.md §6.8): A4, 天头 37 mm, 订口 28 mm, 版心 156 × 225 mm,
title 2号 (22 pt), body 3号 仿宋 (16 pt) on a 22-line grid (28.9 pt), headings 3号 黑体 / 楷体, and
page numbers "— 1 —" in 4号 宋体 about 7 mm below the type area (odd pages right, even pages left,
one character in). Landscape pages (for wide rankings) keep the same margins turned.
"""
from __future__ import annotations

import io

from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.textsplit import ALL_CANNOT_START
from reportlab.lib.units import mm
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Paragraph

from .fonts import font_for

TOP, LEFT, RIGHT, BOTTOM = 37 * mm, 28 * mm, 26 * mm, 35 * mm
SIZE_2, SIZE_3, SIZE_4, SIZE_XIAO4, SIZE_5 = 22, 16, 14, 12, 10.5
LINE_PITCH = 28.9            # 22 lines in the 225 mm type area


def style(name: str, role: str = "body", size: float = SIZE_3, leading: float = LINE_PITCH,
          align: int = TA_JUSTIFY, indent: float = 0, **kw) -> ParagraphStyle:
    return ParagraphStyle(name, fontName=font_for(role), fontSize=size, leading=leading, alignment=align,
                          firstLineIndent=indent, wordWrap="CJK", **kw)


def _line_text(line) -> str:
    if isinstance(line, tuple):                     # (extra space, [text]) of a one-font paragraph
        return "".join(line[1])
    return "".join(getattr(f, "text", "") for f in getattr(line, "words", []))


class OfficialParagraph(Paragraph):
    """A paragraph none of whose lines starts with closing punctuation (避头): reportlab lets one such
    character hang in the margin but not two in a row (“%）。” at the end of a full line left “。” alone on the
    next one), so such a paragraph is set one character narrower, at most twice, until no line starts so."""

    def wrap(self, availWidth, availHeight):  # noqa: N803 (reportlab's names)
        for narrower in (0, 1, 2):
            _, height = super().wrap(availWidth - narrower * self.style.fontSize, availHeight)
            if not self.starts_a_line_badly():
                break
        return availWidth, height

    def starts_a_line_badly(self) -> bool:
        lines = getattr(getattr(self, "blPara", None), "lines", None) or []
        return any(text[:1] and text[0] in ALL_CANNOT_START for text in map(_line_text, lines[1:]))


def styles() -> dict[str, ParagraphStyle]:
    return {
        "title": style("gb-title", "title", SIZE_2, 36, TA_CENTER, spaceAfter=LINE_PITCH / 2),
        "docno": style("gb-docno", "body", SIZE_3, LINE_PITCH, TA_CENTER),
        "body": style("gb-body", "body", SIZE_3, LINE_PITCH, TA_JUSTIFY, indent=2 * SIZE_3),
        "plain": style("gb-plain", "body", SIZE_3, LINE_PITCH, TA_LEFT),
        "h1": style("gb-h1", "heading", SIZE_3, LINE_PITCH, TA_LEFT, indent=2 * SIZE_3),
        "h2": style("gb-h2", "kai", SIZE_3, LINE_PITCH, TA_LEFT, indent=2 * SIZE_3),
        "right": style("gb-right", "body", SIZE_3, LINE_PITCH, TA_RIGHT, rightIndent=4 * SIZE_3),
        "issuer": style("gb-issuer", "body", SIZE_3, LINE_PITCH, TA_CENTER, leftIndent=6 * SIZE_3),
        "table_title": style("gb-ttitle", "heading", SIZE_XIAO4, 20, TA_CENTER, spaceBefore=6, spaceAfter=4),
        "cell": style("gb-cell", "body", SIZE_5, 13, TA_LEFT),
        "cell_num": style("gb-cell-n", "body", SIZE_5, 13, TA_RIGHT),
        "cell_head": style("gb-cell-h", "heading", SIZE_5, 13, TA_CENTER),
        "cell_s": style("gb-cell-s", "body", 9, 11, TA_LEFT),
        "cell_num_s": style("gb-cell-ns", "body", 9, 11, TA_RIGHT),
        "cell_head_s": style("gb-cell-hs", "heading", 9, 11, TA_CENTER),
        "note": style("gb-note", "body", 9, 12, TA_LEFT),
        "small": style("gb-small", "body", SIZE_XIAO4, 20, TA_LEFT),
    }


def _page_number(canvas, doc) -> None:
    """'— N —' (4号 宋体) 7 mm below the type area; odd pages right, even pages left, one character in."""
    n = canvas.getPageNumber() - getattr(doc, "unnumbered", 0)
    if n < 1:
        return
    width, _ = canvas._pagesize
    canvas.saveState()
    canvas.setFont(font_for("body"), SIZE_4)
    label = f"— {n} —"
    y = BOTTOM - 7 * mm - SIZE_4
    if n % 2:
        canvas.drawRightString(width - RIGHT - SIZE_4, y, label)
    else:
        canvas.drawString(LEFT + SIZE_4, y, label)
    canvas.restoreState()


class OfficialDoc(BaseDocTemplate):
    """Portrait pages ('portrait') and landscape pages ('landscape'); switch with NextPageTemplate."""

    def __init__(self, buf, title: str, unnumbered: int = 0):
        super().__init__(buf, pagesize=A4, title=title, author="", subject="", creator="xinfang",
                         producer="xinfang (reportlab)", topMargin=TOP, leftMargin=LEFT, rightMargin=RIGHT,
                         bottomMargin=BOTTOM, initialFontName=font_for("body"))
        self.unnumbered = unnumbered
        pw, ph = A4
        lw, lh = landscape(A4)
        # landscape: the binding edge stays on the long side that was the left; margins turn with the page
        self.addPageTemplates([
            PageTemplate("portrait", [Frame(LEFT, BOTTOM, pw - LEFT - RIGHT, ph - TOP - BOTTOM, 0, 0, 0, 0,
                                            id="p")], onPage=_page_number, pagesize=A4),
            PageTemplate("landscape", [Frame(LEFT, 28 * mm, lw - LEFT - RIGHT, lh - 26 * mm - 28 * mm, 0, 0, 0, 0,
                                             id="l")], onPage=_landscape_number, pagesize=landscape(A4)),
        ])


def _landscape_number(canvas, doc) -> None:
    n = canvas.getPageNumber() - getattr(doc, "unnumbered", 0)
    if n < 1:
        return
    width, _ = canvas._pagesize
    canvas.saveState()
    canvas.setFont(font_for("body"), SIZE_4)
    canvas.drawCentredString(width / 2, 28 * mm - 7 * mm - SIZE_4, f"— {n} —")
    canvas.restoreState()


def build(story: list, title: str, unnumbered: int = 0) -> bytes:
    buf = io.BytesIO()
    OfficialDoc(buf, title, unnumbered).build(story)
    return buf.getvalue()

"""A long list as a ruled table, drawn directly: the appendices of the monthly report list thousands of rows
(附件2 with 10,000 积案 records), and reportlab's Table lays out, splits and styles every cell again on each
page (27 s for 10,000 rows). Here every cell is plain text broken into lines once, a page takes the rows that
fit (no new layout), and each page's text is one text object."""
from __future__ import annotations

from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import getFont
from reportlab.platypus import Flowable

from .fonts import font_for

CLOSING = set("，。、；：？！）》」』”’,.;:?!)]}%")    # never at the start of a line (避头)
PAD_X, PAD_TOP, PAD_BOTTOM = 4, 2, 3


class Widths(dict):
    """Character widths of one font and size, measured once per character."""

    def __init__(self, font: str, size: float):
        super().__init__()
        self.font, self.size = getFont(font), size

    def __missing__(self, ch: str) -> float:
        w = self[ch] = self.font.stringWidth(ch, self.size)
        return w

    def text(self, s: str) -> float:
        return sum(map(self.__getitem__, s))


def break_lines(text: str, room: float, width: Widths) -> list[str]:
    """`text` in lines no wider than `room` (points); no line starts with closing punctuation."""
    text = str(text)
    if "\n" not in text and width.text(text) <= room:
        return [text]
    lines: list[str] = []
    for part in text.split("\n"):
        line: list[str] = []
        used = 0.0
        for ch in part:
            w = width[ch]
            if used + w > room and line:
                carry = [line.pop()] if ch in CLOSING and len(line) > 1 else []
                lines.append("".join(line))
                line, used = carry, width.text(carry)
            line.append(ch)
            used += w
        lines.append("".join(line))
    return lines


class ListTable(Flowable):
    """Columns (head, width in points); rows (cells as text, highlight); the head repeats on every page; the
    columns numbered in `right` are right-aligned (numbers)."""

    def __init__(self, head: list[str], widths: list[float], rows: list[tuple[list[str], bool]], size: float = 9,
                 leading: float = 12, highlight_bg=None, highlight_fg=None, head_bg=None, right=(), _laid=None,
                 _heights=None):
        super().__init__()
        self.head, self.widths, self.size, self.leading, self.right = head, widths, size, leading, set(right)
        self.colors = (highlight_bg or colors.Color(1, .88, .88), highlight_fg or colors.Color(.7, 0, 0),
                       head_bg or colors.Color(.9, .9, .9))
        self.font, self.head_font = font_for("body"), font_for("heading")
        if _laid is None:
            width, head_width = Widths(self.font, size), Widths(self.head_font, size)
            self.head_lines = [break_lines(h, w - 2 * PAD_X, head_width) for h, w in zip(head, widths)]
            _laid = [([break_lines(c, w - 2 * PAD_X, width) for c, w in zip(cells, widths)], red) for cells, red in rows]
        else:
            self.head_lines = _laid[0]
            _laid = _laid[1]
        self.rows = _laid
        self.head_height = self._height(self.head_lines)
        self.heights = _heights if _heights is not None else [self._height(cells) for cells, _ in self.rows]

    def _height(self, cells: list[list[str]]) -> float:
        return max(len(c) for c in cells) * self.leading + PAD_TOP + PAD_BOTTOM

    def wrap(self, availWidth, availHeight):  # noqa: N803 (reportlab's names)
        self.width, self.height = sum(self.widths), self.head_height + sum(self.heights)
        return self.width, self.height

    def split(self, availWidth, availHeight):  # noqa: N803
        room, n = availHeight - self.head_height, 0
        while n < len(self.rows) and room >= self.heights[n]:
            room -= self.heights[n]
            n += 1
        if n == 0 or n == len(self.rows):
            return []
        return [self._part(slice(0, n)), self._part(slice(n, None))]

    def _part(self, rows: slice) -> "ListTable":
        bg, fg, head_bg = self.colors
        return ListTable(self.head, self.widths, [], self.size, self.leading, bg, fg, head_bg, self.right,
                         _laid=(self.head_lines, self.rows[rows]), _heights=self.heights[rows])

    def draw(self) -> None:
        c = self.canv
        bg, fg, head_bg = self.colors
        total = sum(self.widths)
        xs = [0.0]
        for w in self.widths:
            xs.append(xs[-1] + w)
        top = self.height
        tops = [top, top - self.head_height]
        for h in self.heights:
            tops.append(tops[-1] - h)
        c.saveState()
        c.setFillColor(head_bg)
        c.rect(0, tops[1], total, self.head_height, stroke=0, fill=1)
        c.setFillColor(bg)
        for i, (_, red) in enumerate(self.rows):
            if red:
                c.rect(0, tops[i + 2], total, self.heights[i], stroke=0, fill=1)
        c.setLineWidth(0.5)
        c.setStrokeColor(colors.black)
        c.lines([(0, y, total, y) for y in tops] + [(x, tops[-1], x, top) for x in xs])
        text = c.beginText()
        text.setFont(self.head_font, self.size, self.leading)
        text.setFillColor(colors.black)
        head_width = Widths(self.head_font, self.size)
        for j, lines in enumerate(self.head_lines):
            y = tops[0] - (self.head_height - len(lines) * self.leading - PAD_TOP - PAD_BOTTOM) / 2
            self._cell(text, lines, xs[j], self.widths[j], y, head_width, "C")
        text.setFont(self.font, self.size, self.leading)
        width = Widths(self.font, self.size)
        red_now = False
        for i, (cells, red) in enumerate(self.rows):
            if red != red_now:
                text.setFillColor(fg if red else colors.black)
                red_now = red
            for j, lines in enumerate(cells):
                if j in self.right:
                    self._cell(text, lines, xs[j], self.widths[j], tops[i + 1], width, "R")
                else:
                    self._left(text, lines, xs[j] + PAD_X, tops[i + 1] - PAD_TOP - self.size)
        c.drawText(text)
        c.restoreState()

    def _left(self, text, lines, x, y) -> None:
        """Left-aligned lines, written straight into the text object: each distinct string is encoded once per
        document, with its font subset selections (textOut re-measures and re-encodes every string)."""
        code = text._code
        encoded = _encodings(self.canv, text._fontname, self.size, self.leading)
        for line in lines:
            if line:
                ops = encoded.get(line) or encoded.encode(line)
                code.append(f"1 0 0 1 {x:.2f} {y:.2f} Tm {ops}")
            y -= self.leading
        text._curSubset = -1          # the next text sets its subset again

    def _cell(self, text, lines, x, width, top, measure, align) -> None:
        """The lines of one cell from its top: right-aligned or centred ("R", "C")."""
        y = top - PAD_TOP - self.size
        for line in lines:
            if line:
                dx = width - PAD_X - measure.text(line) if align == "R" else (width - measure.text(line)) / 2
                text.setTextOrigin(x + dx, y)
                text.textOut(line)
            y -= self.leading


class _Encoded(dict):
    """line -> its PDF text operators (font subset selections and strings) for one font, size and document."""

    def __init__(self, canv, font_name: str, size: float, leading: float):
        super().__init__()
        self.doc, self.font, self.escape = canv._doc, getFont(font_name), canv._escape
        self.tail = f"{size:g} Tf {leading:g} TL"
        self.selects: dict[int, str] = {}

    def encode(self, line: str) -> str:
        ops = []
        for subset, part in self.font.splitString(line, self.doc):
            select = self.selects.get(subset)
            if select is None:       # a subset's name is fixed once it exists
                select = self.selects[subset] = f"{self.font.getSubsetInternalName(subset, self.doc)} {self.tail}"
            ops += [select, f"({self.escape(part)}) Tj"]
        out = self[line] = " ".join(ops)
        return out


def _encodings(canv, font_name: str, size: float, leading: float) -> _Encoded:
    cache = canv.__dict__.setdefault("_list_table_encodings", {})
    key = (font_name, size, leading)
    if key not in cache:
        cache[key] = _Encoded(canv, font_name, size, leading)
    return cache[key]

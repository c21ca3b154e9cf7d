"""The monthly (or any period's) 信访形势分析 report as PDF: cover, summary, tables, charts, landscape
ranking, appendices (overdue items; 包案 items by leader). Input: the dataset, its tables and summary
(domain/report_tables.py, domain/report_text.py) and the appendix rows the service collects."""
from __future__ import annotations

from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import (CondPageBreak, KeepTogether, NextPageTemplate, PageBreak, Paragraph, Spacer, Table,
                                TableStyle)

from . import official
from .charts import category_chart, trend_chart, unit_chart
from .fonts import font_for
from .list_table import ListTable

HIGHLIGHT_BG = colors.Color(1.0, 0.88, 0.88)
HIGHLIGHT_FG = colors.Color(0.7, 0.0, 0.0)
HEAD_BG = colors.Color(0.9, 0.9, 0.9)


def fmt_cell(cell: dict) -> str:
    v, fmt = cell["v"], cell["fmt"]
    if fmt == "text":
        return "" if v is None else str(v)
    if v is None:
        return "—"
    if fmt == "int":
        return f"{v:,}" if isinstance(v, int) else str(v)
    if fmt == "num":
        return f"{v:,.2f}"
    if fmt == "pct":
        return f"{v * 100:.1f}%"
    if fmt == "change":
        return "持平" if v == 0 else f"{'+' if v > 0 else '−'}{abs(v) * 100:.1f}%"
    return str(v)


def _p(text: str, style) -> Paragraph:
    return official.OfficialParagraph(escape(text), style)


def _fits(text: str, width: float, size: float) -> bool:
    """Whether a one-line string fits its column (CJK ≈ 1 em, digits and Latin ≈ 0.55 em, 8 pt padding)."""
    em = sum(1.0 if ord(ch) > 0x2E7F else 0.55 for ch in text)
    return em * size + 8 <= width


def table_flowable(t: dict, width: float, st: dict, widths: list[float] | None = None) -> list:
    """A report table. Cells that fit on one line are plain strings (fast: 1,000 Paragraphs take seconds);
    longer text wraps in a Paragraph."""
    small = len(t["columns"]) > 8 or widths is not None
    sx = "_s" if small else ""
    size = 9 if small else official.SIZE_5
    n = len(t["columns"])
    widths = widths or _widths(t, width, n)
    head = [c if _fits(c, widths[j], size) else _p(c, st["cell_head" + sx]) for j, c in enumerate(t["columns"])]
    body, styles = [], []
    for i, row in enumerate(t["rows"], 1):
        red = bool(row.get("highlight"))
        cells = []
        for j, cell in enumerate(row["cells"]):
            text = fmt_cell(cell)
            if row.get("level") and j == 1 and cell["fmt"] == "text":
                text = "　" + text
            if _fits(text, widths[j], size):
                cells.append(text)
                if cell["fmt"] != "text":
                    styles.append(("ALIGN", (j, i), (j, i), "RIGHT"))
            else:
                style = st[("cell" if cell["fmt"] == "text" else "cell_num") + sx]
                cells.append(_p(text, _red(style) if red else style))
        body.append(cells)
        if red:
            styles += [("BACKGROUND", (0, i), (-1, i), HIGHLIGHT_BG), ("TEXTCOLOR", (0, i), (-1, i), HIGHLIGHT_FG)]
    if not body:
        body = [["本期无数据"] + [""] * (n - 1)]
        styles.append(("SPAN", (0, 1), (-1, 1)))
    table = Table([head] + body, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), font_for("body"), size, size + 3),
        ("FONT", (0, 0), (-1, 0), font_for("heading"), size, size + 3),
        ("ALIGN", (0, 0), (-1, 0), "CENTER"),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("BACKGROUND", (0, 0), (-1, 0), HEAD_BG),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3), *styles]))
    out = [_p(t["title"], st["table_title"]), table]
    if t.get("note"):
        out.append(_p(t["note"], st["note"]))
    out.append(Spacer(1, 8))
    return out


_RED: dict = {}


def _red(style):
    if style.name not in _RED:
        from copy import copy
        red = copy(style)
        red.name = style.name + "-red"
        red.textColor = HIGHLIGHT_FG
        _RED[style.name] = red
    return _RED[style.name]


def _widths(t: dict, width: float, n: int) -> list[float]:
    if t["key"] == "rates":
        return [width * x for x in (0.22, 0.1, 0.1, 0.1, 0.48)]
    if t["key"] == "units":
        first = [width * 0.045, width * 0.17]
        rest = (width - sum(first)) / (n - 2)
        return first + [rest] * (n - 2)
    first = width * (0.34 if n <= 3 else 0.22)
    return [first] + [(width - first) / (n - 1)] * (n - 1)


def render_monthly(dataset: dict, tables: list[dict], summary: list[str], *, overdue: list[dict],
                   leaders: list[dict] | None, printed_by: str) -> bytes:
    st = official.styles()
    pw = official.A4[0] - official.LEFT - official.RIGHT
    lw = official.landscape(official.A4)[0] - official.LEFT - official.RIGHT
    period, scope = dataset["period"], dataset["scope"]
    title = f"{period['label']}信访形势分析报告"
    story: list = [Spacer(1, 40 * mm), _p(dataset.get("office_name", ""), official.style(
        "cover-office", "heading", official.SIZE_2, 36, official.TA_CENTER)), Spacer(1, 16 * mm),
        _p(title, st["title"])]
    if scope.get("unit"):
        story.append(_p(f"（{scope['name']}）", st["docno"]))
    as_of = dataset["as_of"][:10]
    story += [Spacer(1, 60 * mm),
              _p(f"统计期间：{period['from']} 至 {period['to']}", st["docno"]),
              _p(f"制表日期：{as_of[:4]}年{int(as_of[5:7])}月{int(as_of[8:10])}日　制表人：{printed_by}", st["docno"])]
    anchor = dataset.get("anchor")
    if anchor:
        story.append(Spacer(1, 10 * mm))
        story.append(_p(f"数据校验锚点：{_anchor_text(anchor)}", st["note"]))
    story.append(PageBreak())

    story.append(_p(title, st["title"]))
    story.append(_p("一、总体情况", st["h1"]))
    story += [_p(s, st["body"]) for s in summary]
    story.append(_p("二、统计表", st["h1"]))
    wide = [t for t in tables if t.get("landscape")]
    for t in tables:
        if not t.get("landscape"):
            story.append(CondPageBreak(60 * mm))
            story += table_flowable(t, pw, st)
    story.append(CondPageBreak(120 * mm))
    story.append(_p("三、图表", st["h1"]))
    story += [KeepTogether([_scaled(trend_chart(dataset), pw)]), Spacer(1, 6),
              KeepTogether([_scaled(category_chart(dataset), pw)]), Spacer(1, 6),
              KeepTogether([_scaled(unit_chart(dataset), pw)])]
    # wide tables and the appendices go on landscape pages
    story += [NextPageTemplate("landscape"), PageBreak()]
    for t in wide:
        story += table_flowable(t, lw, st)
    if wide:
        story.append(PageBreak())
    story += _appendix_overdue(overdue, dataset, st, lw)
    if leaders is not None:
        story += [PageBreak()] + _appendix_leaders(leaders, period, st, lw)
    return official.build(story, title, unnumbered=1)


def _anchor_text(anchor) -> str:
    if isinstance(anchor, dict):
        return "，".join(f"{k}：{v}" for k, v in anchor.items() if not isinstance(v, (dict, list)))
    return str(anchor)


def _scaled(drawing, width: float):
    if drawing.width > width:
        factor = width / drawing.width
        drawing.scale(factor, factor)
        drawing.width, drawing.height = width, drawing.height * factor
    drawing.hAlign = "CENTER"
    return drawing


def _list(head: list[str], shares: tuple, rows: list[tuple[list[str], bool]], width: float, right=()) -> ListTable:
    return ListTable(head, [width * x for x in shares], rows, highlight_bg=HIGHLIGHT_BG, highlight_fg=HIGHLIGHT_FG,
                     head_bg=HEAD_BG, right=right)


def _appendix_overdue(rows: list[dict], dataset: dict, st: dict, width: float) -> list:
    out = [_p("附件1", st["h1"]), _p("逾期未办结事项", st["title"])]
    total = sum(u["overdue_at_end"] for u in dataset["units"])
    if not rows:
        out.append(_p(f"截至{dataset['period']['to']}，无逾期未办结事项。", st["body"]))
        return out
    if total > len(rows):
        out.append(_p(f"截至{dataset['period']['to']}共{total}件，以下列出逾期最久的{len(rows)}件。", st["small"]))
    out.append(_list(["编号", "收到日期", "反映问题", "承办单位", "环节", "到期日", "逾期天数"],
                     (0.13, 0.1, 0.37, 0.16, 0.09, 0.09, 0.06),
                     [([str(r[k]) for k in ("number", "received", "summary", "unit", "step", "due", "days")], False)
                      for r in rows], width, right=(6,)))
    return out


LEADER_COLUMNS = (("number", "编号", 0.13), ("summary", "事项", 0.37), ("unit", "责任单位", 0.16),
                  ("status", "化解状态", 0.08), ("due", "化解时限", 0.09), ("resolved_on", "化解日期", 0.09),
                  ("overdue", "是否逾期", 0.08))


def _appendix_leaders(leaders: list[dict], period: dict, st: dict, width: float) -> list:
    """Per 包案领导 a summary line and one table of the records open at the period's end or resolved in it."""
    out = [_p("附件2", st["h1"]), _p("领导包案事项", st["title"])]
    if not leaders:
        out.append(_p("本期无领导包案事项。", st["body"]))
        return out
    start, end = period["from"], period["to"]
    out.append(_p(f"件数按截至{end}的状态统计。表中列出截至{end}未化解的事项和本期（{start}至{end}）内化解的事项；"
                  "此前已化解的事项只计入件数，不再列出。", st["small"]))
    shares = tuple(w for _, _, w in LEADER_COLUMNS)
    for x in leaders:
        name = f"{x['leader']}（{x['post']}）" if x.get("post") else x["leader"]
        out.append(_p(f"{name}：包案{x['assigned']}件，已化解{x['resolved']}件，未化解{x['open']}件，"
                      f"本期化解{x['resolved_in_period']}件", st["h2"]))
        if not x["rows"]:
            out.append(_p("无未化解或本期化解的事项。", st["note"]))
            continue
        rows = [([("是" if r["overdue"] else "否") if key == "overdue" else str(r.get(key) or "")
                  for key, _, _ in LEADER_COLUMNS], bool(r["overdue"])) for r in x["rows"]]
        out += [_list([head for _, head, _ in LEADER_COLUMNS], shares, rows, width), Spacer(1, 8)]
    return out

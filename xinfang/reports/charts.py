"""The report's charts with reportlab.graphics: the PDF draws them, the 报表 screen shows the same
drawings as SVG (QtCharts is not available, tech-notes F5). Input: a dataset (services/reports.py)."""
from __future__ import annotations

import re

from reportlab.graphics import renderSVG
from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics import shapes
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors

from .fonts import font_for

BAR = colors.Color(0.16, 0.38, 0.65)
BAR_LOW = colors.Color(0.78, 0.16, 0.16)
SVG_FAMILY = "WenQuanYi Micro Hei"       # the family the UI registers from the bundled font


def _drawing(width: float, height: float) -> Drawing:
    # the renderer starts every drawing in STATE_DEFAULTS' font (Helvetica, never embedded): use ours
    shapes.STATE_DEFAULTS["fontName"] = font_for("body")
    return Drawing(width, height)


def _title(d: Drawing, text: str, width: float, height: float) -> None:
    d.add(String(width / 2, height - 14, text, fontName=font_for("heading"), fontSize=11, textAnchor="middle"))


def _style_axes(chart, font: str, size: float = 7.5) -> None:
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = size
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = size
    chart.valueAxis.forceZero = True
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = colors.Color(0.85, 0.85, 0.85)
    chart.barLabels.fontName = font
    chart.barLabels.fontSize = size
    chart.barLabelFormat = "%d"


def trend_chart(dataset: dict, width: float = 440, height: float = 190) -> Drawing:
    """12-month trend of cases received."""
    rows = dataset.get("trend") or []
    d = _drawing(width, height)
    _title(d, "近12个月信访总量（件次）", width, height)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 36, 30, width - 50, height - 60
    chart.data = [[r["count"] for r in rows] or [0]]
    chart.categoryAxis.categoryNames = [f"{int(r['month'][5:])}月" for r in rows] or [""]
    chart.bars[0].fillColor = BAR
    chart.bars[0].strokeColor = None
    _style_axes(chart, font_for("body"))
    chart.barLabels.nudge = 6
    d.add(chart)
    return d


def category_chart(dataset: dict, width: float = 440, height: float = 220, limit: int = 10) -> Drawing:
    """Cases by first-level category (largest first)."""
    items = list(dataset.get("by_category", {}).items())[:limit]
    d = _drawing(width, height)
    _title(d, "按问题类别（件次）", width, height)
    chart = HorizontalBarChart()
    chart.x, chart.y, chart.width, chart.height = 110, 16, width - 140, height - 44
    items = list(reversed(items))      # the largest on top
    chart.data = [[c["count"] for _, c in items] or [0]]
    chart.categoryAxis.categoryNames = [name for name, _ in items] or [""]
    chart.bars[0].fillColor = BAR
    chart.bars[0].strokeColor = None
    _style_axes(chart, font_for("body"), 8)
    chart.barLabels.nudge = 8
    d.add(chart)
    return d


def unit_chart(dataset: dict, width: float = 440, height: float = 240, limit: int = 12) -> Drawing:
    """按期办结率 by responsible unit (units below the threshold in red)."""
    units = [u for u in dataset.get("units", []) if u["reply_on_time_rate"]["value"] is not None][:limit]
    d = _drawing(width, height)
    _title(d, "承办单位按期办结率（%）", width, height)
    chart = HorizontalBarChart()
    chart.x, chart.y, chart.width, chart.height = 150, 16, width - 180, height - 44
    units = list(reversed(units))
    chart.data = [[round(u["reply_on_time_rate"]["value"] * 100, 1) for u in units] or [0]]
    chart.categoryAxis.categoryNames = [u["name"][:12] for u in units] or [""]
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, 100, 20
    chart.bars[0].fillColor = BAR
    chart.bars[0].strokeColor = None
    for i, u in enumerate(units):
        if "reply_on_time_rate" in u["below"]:
            chart.bars[(0, i)].fillColor = BAR_LOW
    _style_axes(chart, font_for("body"), 8)
    chart.barLabelFormat = "%.1f"
    chart.barLabels.nudge = 10
    d.add(chart)
    return d


CHARTS = {"trend": trend_chart, "by_category": category_chart, "units": unit_chart}


def chart_svg(name: str, dataset: dict) -> str:
    """The chart as SVG text for the 报表 screen. Qt's SVG renderer (SVG Tiny) paints an unsupported
    <clipPath> as a black rectangle, so it is removed; fonts are named as the UI registers them."""
    svg = renderSVG.drawToString(CHARTS[name](dataset))
    svg = re.sub(r"<clipPath.*?</clipPath>", "", svg, flags=re.S)
    svg = svg.replace('style="clip-path: url(#clip)"', "")
    svg = re.sub(r"<!DOCTYPE.*?>", "", svg, flags=re.S)
    fonts = "|".join(re.escape(font_for(role)) for role in ("body", "heading"))
    return re.sub(rf"font-family:\s*({fonts})", f"font-family: {SVG_FAMILY}", svg)

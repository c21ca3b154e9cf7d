"""分办 on a case: the current route (unit, principle, reasons on demand), each hop of the case (转送, 交办,
受理, 异议退回, 改派) and 重新分办…."""
from __future__ import annotations

from html import escape

from ...domain.lifecycle import Action
from ..qt import QGroupBox, QHBoxLayout, QLabel, QPushButton, Qt, QVBoxLayout
from ..widgets import alternative_names, clear_layout
from .reroute_dialog import RerouteDialog

INDENT = "&nbsp;" * 8   # hop reasons under their hop (rich text drops leading spaces)


class RouteSectionMixin:
    """CaseDetail's 分办 box; `hops_data` / `hop_labels` are the hops shown."""

    def _build_route_box(self) -> QGroupBox:
        """分办: the current route (unit, principle, reasons on demand) and each hop of the case."""
        box = QGroupBox("分办")
        self.route_box = box
        v = QVBoxLayout(box)
        v.setSpacing(4)
        self.route_label = QLabel()
        self.route_label.setWordWrap(True)
        self.route_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.manual_label = QLabel("需人工指定")
        self.manual_label.setStyleSheet("QLabel { color: #b71c1c; font-weight: bold; }")
        self.override_label = QLabel()
        self.override_label.setWordWrap(True)
        self.override_label.setStyleSheet("QLabel { color: #8a4b00; }")
        self.reasons_button = QPushButton()
        self.reasons_button.setObjectName("linkButton")
        self.reasons_button.setStyleSheet("QPushButton { border: none; color: #1a56a6; background: transparent; "
                                          "padding: 0; text-align: left; }")
        self.reasons_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.reasons_button.clicked.connect(lambda: self.show_reasons(not self._reasons_open))
        self.reasons_label = QLabel()
        self.reasons_label.setWordWrap(True)
        self.reasons_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.reasons_label.setStyleSheet("QLabel { background: #f5f7fa; border: 1px solid #cfd8dc; "
                                         "border-radius: 4px; padding: 6px; }")
        self.reasons_label.setVisible(False)
        self._reasons_open = False
        self.hops_title = QLabel("流转")
        self.hops_title.setStyleSheet("font-weight: bold;")
        self.hops_box = QVBoxLayout()
        self.hops_box.setSpacing(2)
        self.reroute_button = QPushButton("重新分办…")
        self.reroute_button.setToolTip("待处置的案件可按建议重新分办，或改派其他单位（须写明理由）")
        self.reroute_button.clicked.connect(lambda: self.open_reroute())
        top = QHBoxLayout()
        top.addWidget(self.route_label, 1)
        top.addWidget(self.reroute_button, 0, Qt.AlignmentFlag.AlignTop)
        v.addLayout(top)
        v.addWidget(self.manual_label)
        v.addWidget(self.override_label)
        v.addWidget(self.reasons_button, 0, Qt.AlignmentFlag.AlignLeft)
        v.addWidget(self.reasons_label)
        v.addWidget(self.hops_title)
        v.addLayout(self.hops_box)
        self.hop_labels: list[QLabel] = []
        self.hops_data: list[dict] = []
        return box

    def _principle_names(self) -> dict[str, str]:
        try:
            return dict(self.ws.principles())
        except Exception:
            return {}

    def _fill_route(self) -> None:
        c = self.case
        route = c.route if isinstance(c.route, dict) else {}
        names = self._principle_names()
        unit_name = route.get("unit_name") or route.get("unit") or ""
        if c.handling_unit and c.status.value != "registered":
            head = f"承办单位：<b>{escape(c.handling_unit_name or c.handling_unit)}</b>"
        elif unit_name:
            head = f"分办建议：<b>{escape(unit_name)}</b>"
        else:
            head = "分办建议：<span style='color:#607d8b'>（无）</span>"
        principle = route.get("principle_name") or names.get(route.get("principle", ""), "")
        if route.get("overridden"):
            suggested = route.get("suggested_unit", "")
            bits = ["人工指定"] + ([f"分办建议为 {self.ws.directory.name_of(suggested) or suggested}"] if suggested else [])
        elif route.get("unit"):
            bits = [x for x in (route.get("channel", ""), principle) if x]
            if route.get("rule") is not None:
                bits.append(f"权责清单第{route.get('rule_version') or '?'}版第{route['rule']}行")
        else:
            bits = []
        if c.handling_unit and c.status.value != "registered" and unit_name and unit_name != (
                c.handling_unit_name or c.handling_unit):
            bits.append(f"建议为 {unit_name}")
        self.route_label.setText(head + ("<br><span style='color:#455a64'>" + escape(" · ".join(bits)) + "</span>"
                                         if bits else ""))
        self.manual_label.setVisible(bool(route.get("needs_manual")) and c.status.value == "registered")
        self.manual_label.setText("需人工指定承办单位")
        reason = route.get("override_reason", "") if route.get("overridden") else ""
        self.override_label.setText(f"改派理由：{reason}" if reason else "")
        self.override_label.setVisible(bool(reason))
        lines = [f"· {escape(str(r))}" for r in route.get("reasons") or []]
        if route.get("basis"):
            lines.append(f"依据：{escape(str(route['basis']))}")
        alts = alternative_names(route)
        if alts:
            lines.append("备选：" + escape("、".join(alts)))
        self.reasons_label.setText("<br>".join(lines))
        self.reasons_button.setVisible(bool(lines))
        self.show_reasons(self._reasons_open and bool(lines))
        self.reroute_button.setVisible(c.status.value == "registered")
        self._fill_hops()

    def show_reasons(self, on: bool) -> None:
        self._reasons_open = on
        self.reasons_label.setVisible(on)
        self.reasons_button.setText("收起分办理由 ▴" if on else "展开分办理由 ▾")

    def route_hops(self) -> list[dict]:
        """ws.hops (转送/交办/受理/异议退回) with the re-routings (改派) between them, in event order."""
        hops = list(self.ws.hops(self.case))
        out, i = [], 0
        for e in self.case.events:
            if e.action == "route":
                r = e.payload.get("route") or {}
                out.append({"at": e.at.isoformat(sep=" "), "action": "route", "unit": r.get("unit", ""),
                            "unit_name": r.get("unit_name") or r.get("unit", ""),
                            "reason": r.get("override_reason", "") if r.get("overridden") else "",
                            "overridden": bool(r.get("overridden")), "needs_manual": bool(r.get("needs_manual"))})
            elif i < len(hops) and hops[i]["action"] == e.action and hops[i]["at"] == e.at.isoformat(sep=" "):
                out.append(hops[i])
                i += 1
        return out + hops[i:]

    @staticmethod
    def hop_label(h: dict) -> str:
        if h["action"] == "object":
            return "异议退回"
        if h["action"] == "route":
            return "改派" if h.get("overridden") else "重新分办"
        try:
            return Action(h["action"]).label
        except ValueError:
            return h["action"]

    def _fill_hops(self) -> None:
        clear_layout(self.hops_box)
        self.hop_labels = []
        self.hops_data = self.route_hops()
        for n, h in enumerate(self.hops_data, start=1):
            word = self.hop_label(h)
            unit = escape(h.get("unit_name") or h.get("unit") or "")
            if h["action"] == "object":
                text = f"<b>{word}</b>　{unit or '承办单位'}退回" + (
                    f"<br>{INDENT}理由：{escape(h['reason'])}" if h.get("reason") else "")
                color = "#b71c1c"
            else:
                target = unit or ("<span style='color:#b71c1c'>需人工指定</span>" if h.get("needs_manual") else "")
                text = f"<b>{word}</b> → {target}" + (f"<br>{INDENT}理由：{escape(h['reason'])}"
                                                       if h.get("reason") else "")
                color = "#1f2d3d"
            lab = QLabel(f"<span style='color:#607d8b'>{n}. {escape(h['at'][:16])}</span>　"
                         f"<span style='color:{color}'>{text}</span>")
            lab.setWordWrap(True)
            lab.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.hops_box.addWidget(lab)
            self.hop_labels.append(lab)
        if not self.hops_data:
            none = QLabel("（尚未转送或交办）")
            none.setStyleSheet("color: #607d8b;")
            self.hops_box.addWidget(none)
        self.hops_title.setText("流转：" + " → ".join(self.hop_label(h) for h in self.hops_data)
                                if self.hops_data else "流转")

    def hop_actions(self) -> list[str]:
        return [h["action"] for h in self.hops_data]

    # ---- re-routing ----------------------------------------------------------------------------------
    def open_reroute(self) -> "RerouteDialog":
        dlg = RerouteDialog(self.ws, self.actor, self.case, self)
        dlg.accepted.connect(lambda: self._rerouted(dlg))
        self.watch_stale(dlg)
        self.active_dialog = dlg
        dlg.open()
        return dlg

    def _rerouted(self, dlg: "RerouteDialog") -> None:
        self.active_dialog = None
        self.reload()
        route = self.case.route if isinstance(self.case.route, dict) else {}
        name = route.get("unit_name") or route.get("unit") or ""
        if name:
            self.show_banner(f"已重新分办：{name}" + ("（改派，已记录理由）" if route.get("overridden") else ""), "ok")
        else:
            self.show_banner("已重新分办，但没有适用的单位：请人工指定承办单位。", "warn")
        self.changed.emit(self.case.id)

"""办理过程: the case's event chain as a table, each event's payload in the words of the office."""
from __future__ import annotations

from ...domain.lifecycle import Action
from ..qt import QAbstractItemView, QHeaderView, QLabel, Qt, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

# Payload keys of events in the words of the office.
PAYLOAD_LABELS = {
    "number": "编号", "unit": "承办单位", "report_due": "报告期限", "reason": "理由", "approver": "批准人", "purpose": "用途",
    "served_on": "送达日期", "rating": "评价", "where": "告知去向", "to": "转往", "body": "受理机关",
    "note": "备注", "repeat_of": "重复件", "warnings": "提示", "attachments": "附件",
    "dispute": "人民调解纠纷", "committee": "调解委员会",
    "kind": "文书", "facts": "查明事实", "decision": "处理意见", "basis": "依据",
}
KEY_ORDER = ["kind", "number", "from_unit", "unit", "report_due", "to", "where", "outcome", "days", "approver", "reason", "served_on",
             "facts", "decision", "basis", "rating", "body", "late", "repeat_of", "no_longer_accept_candidate", "warnings", "attachments", "note"]
STEP_WORDS = {"dispose": "处置期限", "notice": "受理告知期限", "object": "异议期限", "handle": "办理期限",
              "review_request": "复查申请期", "review": "复查期限", "recheck_request": "复核申请期",
              "recheck": "复核期限"}


def describe_payload(action: str, payload: dict, sep: str = "；") -> str:
    """Key payload fields in Chinese, e.g. 承办单位：城东区人社局；延期天数：30 日。"""
    parts = []
    keys = sorted(payload, key=lambda k: KEY_ORDER.index(k) if k in KEY_ORDER else len(KEY_ORDER))
    for key in keys:
        value = payload[key]
        if key in ("unit_name", "from_unit_name", "clocks", "changes", "state_digest") or value in ("", None, [], {}, False):
            continue
        if key == "route":
            if isinstance(value, dict) and (value.get("unit_name") or value.get("unit")):
                parts.append(f"{'指定承办单位' if value.get('overridden') else '分流建议'}："
                             f"{value.get('unit_name') or value.get('unit')}")
                if value.get("overridden") and value.get("override_reason"):
                    parts.append(f"指定理由：{value['override_reason']}")
            elif isinstance(value, dict) and value.get("needs_manual") and action == "route":
                parts.append("分流建议：无，需人工指定承办单位")
            continue
        if key == "from_unit":
            name = payload.get("from_unit_name") or value
            parts.append(f"退回单位：{name}" + (f"（{value}）" if name != value else ""))
        elif key == "unit":
            name = payload.get("unit_name") or value
            label = "接收单位" if action in (Action.TRANSFER.value, Action.OBJECT.value) else "承办单位"
            parts.append(f"{label}：{name}" + (f"（{value}）" if name != value else ""))
        elif key == "days":
            parts.append(f"{'听证天数' if action == Action.HEARING.value else '延期天数'}：{value} 日")
        elif key == "outcome":
            what = {Action.REVIEW_DECISION.value: "复查意见", Action.RECHECK_DECISION.value: "复核意见"}
            parts.append(f"{what.get(action, '答复意见')}：{value}")
        elif key == "reason":
            parts.append(f"{'终结理由' if action == Action.CLOSE.value else '理由'}：{value}")
        elif key == "late":
            parts.append("逾期申请")
        elif key == "no_longer_accept_candidate":
            parts.append("不再受理候选")
        elif isinstance(value, list):
            parts.append(f"{PAYLOAD_LABELS.get(key, key)}：{'、'.join(str(v) for v in value)}")
        else:
            parts.append(f"{PAYLOAD_LABELS.get(key, key)}：{value}")
    clocks = payload.get("clocks") or {}
    times = []
    for step, text in clocks.items():
        word = STEP_WORDS.get(step, step)
        kind, _, day = str(text).partition(" ")
        times.append(f"{word}{'停止于 ' if kind == 'stopped' else '至 '}{day}")
    if times:
        parts.append("期限：" + ("，" if sep == "；" else sep + "　　　").join(times))
    return sep.join(parts)

TIMELINE_WRAP = 36     # characters per line in the timeline (tree items do not wrap by themselves)


def _wrap(line: str, width: int) -> str:
    """Break a long Chinese line every `width` characters, continuing with an indent."""
    if len(line) <= width:
        return line
    chunks = [line[i:i + width] for i in range(0, len(line), width)]
    return ("\n　　").join(chunks)


class TimelineMixin:
    """CaseDetail's right half: `timeline` (时间, 操作, 办理人, 内容, 校验)."""

    def _build_timeline(self) -> QWidget:
        tl = QWidget()
        tlv = QVBoxLayout(tl)
        tlv.setContentsMargins(6, 0, 0, 0)
        t = QLabel("办理过程（事件链，可审计）")
        t.setStyleSheet("font-weight: bold;")
        tlv.addWidget(t)
        self.timeline = QTreeWidget()
        self.timeline.setColumnCount(5)
        self.timeline.setHeaderLabels(["时间", "操作", "办理人", "内容", "校验"])
        self.timeline.setRootIsDecorated(False)
        self.timeline.setAlternatingRowColors(True)
        self.timeline.setWordWrap(True)
        self.timeline.setUniformRowHeights(False)
        self.timeline.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.timeline.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        hdr = self.timeline.header()
        hdr.setStretchLastSection(False)
        for c in (0, 1, 2, 4):
            hdr.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
        hdr.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        tlv.addWidget(self.timeline)
        return tl

    def _fill_timeline(self) -> None:
        self.timeline.clear()
        info = self.ws.case_dict(self.case)
        for e in info["events"]:
            text = describe_payload(e["action"], e["payload"] or {}, sep="\n")
            shown = "\n".join(_wrap(line, TIMELINE_WRAP) for line in text.split("\n"))
            item = QTreeWidgetItem([e["at"][:16], e["label"], e["actor"], shown, e["hash"][:10]])
            item.setToolTip(3, text)
            item.setToolTip(4, f"哈希 {e['hash']}\n记录于 {e['recorded_at']}")
            self.timeline.addTopLevelItem(item)

    def timeline_rows(self) -> list[tuple[str, ...]]:
        out = []
        for i in range(self.timeline.topLevelItemCount()):
            it = self.timeline.topLevelItem(i)
            out.append(tuple(it.text(j) for j in range(self.timeline.columnCount())))
        return out

"""The right side of the 登记 form: 疑似重复件 (with 不再受理候选), 建议承办, the problems that stopped a save,
the preview's hints, and the 保存登记 / 清空 buttons; plus the banner and the problems under each field."""
from __future__ import annotations

from html import escape

from ...domain.masking import mask_id_number
from ...domain.problems import Problem
from ..qt import QFrame, QLabel, QPushButton, QScrollArea, Qt, QVBoxLayout, QWidget
from ..widgets import BANNER_STYLES, alternative_names
from .messages import AMBER, GREY, RED, set_msg

PANEL_AMBER = ("QFrame#repeatPanel { background: #fff8e1; border: 1px solid #f0c36d; border-radius: 4px; }")
PANEL_ROUTE = ("QFrame#routePanel { background: #e8f1fb; border: 1px solid #a9c7ea; border-radius: 4px; }")
PANEL_PROBLEMS = ("QFrame#problemPanel { background: #fdecea; border: 1px solid #f5c2c0; border-radius: 4px; }")


def _show_person(person: str) -> str:
    """How a repeat matched, with the ID number masked ("身份证号 110105********002X")."""
    head, _, rest = person.partition(" ")
    if head == "身份证号":
        return f"{head} {mask_id_number(rest)}"
    return person


class SidePanelsMixin:
    """RegisterForm's right column and what fills it."""

    def _build_side(self) -> QVBoxLayout:
        side_scroll = QScrollArea()
        side_scroll.setWidgetResizable(True)
        side_scroll.setFrameShape(QFrame.Shape.NoFrame)
        side_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        side_body = QWidget()
        side_scroll.setWidget(side_body)
        side = QVBoxLayout(side_body)
        side.setContentsMargins(0, 0, 0, 0)
        side.setSpacing(8)
        right = QVBoxLayout()
        right.addWidget(side_scroll, 1)

        self.repeat_panel = QFrame()
        self.repeat_panel.setObjectName("repeatPanel")
        self.repeat_panel.setStyleSheet(PANEL_AMBER)
        rp = QVBoxLayout(self.repeat_panel)
        self.repeat_title = QLabel("疑似重复件")
        self.repeat_title.setStyleSheet(f"color: {AMBER}; font-weight: bold;")
        self.repeat_label = QLabel()
        self.repeat_label.setWordWrap(True)
        self.repeat_label.setTextFormat(Qt.TextFormat.RichText)
        self.repeat_label.linkActivated.connect(self.open_case)
        self.no_longer_label = QLabel()
        self.no_longer_label.setWordWrap(True)
        self.no_longer_label.setStyleSheet(f"color: {RED}; font-weight: bold;")
        self.no_longer_label.setVisible(False)
        rp.addWidget(self.repeat_title)
        rp.addWidget(self.repeat_label)
        rp.addWidget(self.no_longer_label)
        self.repeat_panel.setVisible(False)
        side.addWidget(self.repeat_panel)

        self.route_panel = QFrame()
        self.route_panel.setObjectName("routePanel")
        self.route_panel.setStyleSheet(PANEL_ROUTE)
        rt = QVBoxLayout(self.route_panel)
        title = QLabel("建议承办")
        title.setStyleSheet("color: #0d47a1; font-weight: bold;")
        self.route_label = QLabel()
        self.route_label.setWordWrap(True)
        rt.addWidget(title)
        rt.addWidget(self.route_label)
        self.route_panel.setVisible(False)
        side.addWidget(self.route_panel)

        self.problem_panel = QFrame()
        self.problem_panel.setObjectName("problemPanel")
        self.problem_panel.setStyleSheet(PANEL_PROBLEMS)
        pp = QVBoxLayout(self.problem_panel)
        self.problem_label = QLabel()
        self.problem_label.setWordWrap(True)
        pp.addWidget(self.problem_label)
        self.problem_panel.setVisible(False)
        side.addWidget(self.problem_panel)

        self.hint_label = QLabel()
        self.hint_label.setWordWrap(True)
        self.hint_label.setStyleSheet(f"color: {AMBER};")
        self.hint_label.setVisible(False)
        side.addWidget(self.hint_label)

        side.addStretch(1)
        keys = QLabel("Enter / Ctrl+Enter 保存 · Esc 清空\n多行框内 Enter 换行")
        keys.setStyleSheet(f"color: {GREY}; font-size: 12px;")
        right.addWidget(keys)
        self.save_button = QPushButton("保存登记")
        self.save_button.setMinimumHeight(36)
        self.save_button.setStyleSheet("QPushButton { font-weight: bold; }")
        self.save_button.clicked.connect(self.save)
        self.clear_button = QPushButton("清空")
        self.clear_button.clicked.connect(lambda: self.clear(confirm=True))
        right.addWidget(self.save_button)
        right.addWidget(self.clear_button)
        return right

    def _show_repeats(self, repeats, person_cases=()) -> None:
        """The person's earlier cases as soon as the ID number (or name + phone) is typed; those on the same
        matter (same category, similar summary) are marked 疑似重复件."""
        if not repeats and not person_cases:
            self.repeat_panel.setVisible(False)
            return
        same = {m.id: m for m in repeats}
        lines = []
        for m in repeats:
            lines.append(f"与 <a href=\"{m.id}\">{m.number}</a> 同人同事（相似度 {m.similarity:.2f}）<br>"
                         f"<span style='color:#607d8b'>{escape(_show_person(m.person))} · "
                         f"收到 {str(m.received_at)[:10]}</span>")
        others = [c for c in person_cases if c.id not in same]
        if others:
            head = "该信访人的其他信访件：" if repeats else ""
            lines.append(head + "<br>".join(
                f"<a href=\"{c.id}\">{c.number}</a> {escape(c.category)} · {escape(c.summary[:20])}<br>"
                f"<span style='color:#607d8b'>{escape(_show_person(c.person))} · 收到 {str(c.received_at)[:10]}</span>"
                for c in others[:8]) + (f"<br>……另有 {len(others) - 8} 件" if len(others) > 8 else ""))
        if repeats:
            self.repeat_title.setText(f"疑似重复件：共 {len(repeats)} 件")
        else:
            self.repeat_title.setText(f"该信访人以往信访 {len(person_cases)} 件（填写类别和摘要后判断是否同一事项）")
        self.repeat_label.setText("<br>".join(lines))
        candidates = [m.number for m in repeats if m.closed_after_recheck]
        if candidates:
            self.no_longer_label.setText(
                f"不再受理候选：{'、'.join(candidates)} 已经复核，同一事实和理由不再受理（《信访工作条例》第三十六条）")
        self.no_longer_label.setVisible(bool(candidates))
        self.repeat_panel.setVisible(True)

    def _show_route(self, route: dict) -> None:
        self._overridden = bool(route.get("overridden"))
        self.override_reason.setVisible(self._overridden)
        self.override_label.setVisible(self._overridden)
        if not route or not (route.get("unit") or route.get("unit_name") or route.get("needs_manual")):
            self.route_panel.setVisible(False)
            return
        parts = []
        name = route.get("unit_name") or route.get("unit") or ""
        if name:
            code = route.get("unit", "")
            parts.append(f"<b>{escape(name)}</b>" + (f"（{escape(code)}）" if code and code != name else ""))
        principle = route.get("principle_name") or route.get("principle") or ""
        extra = " · ".join(x for x in (route.get("channel", ""), principle) if x)
        if extra:
            parts.append(escape(extra))
        if route.get("overridden"):
            suggested = route.get("suggested_unit") or "无"
            parts.append(f"<span style='color:{AMBER}'>登记人指定，分流建议为 {escape(suggested)}</span>")
        for r in route.get("reasons") or []:
            parts.append(f"· {escape(str(r))}")
        if route.get("basis"):
            parts.append(f"依据：{escape(str(route['basis']))}")
        alts = alternative_names(route)
        if alts:
            parts.append("备选：" + escape("、".join(alts)))
        if route.get("needs_manual"):
            parts.append(f"<span style='color:{RED}'>需人工指定承办单位</span>")
        self.route_label.setText("<br>".join(parts))
        self.route_panel.setVisible(True)

    def _clear_problems(self) -> None:
        for label in self._field_msgs.values():
            set_msg(label, "")
        for r in self.rows:
            set_msg(r.name_msg, "")
        self.problem_panel.setVisible(False)

    def show_banner(self, text: str, kind: str = "ok") -> None:
        self.banner.setText(text)
        self.banner.setStyleSheet(BANNER_STYLES[kind])
        self.banner.setVisible(bool(text))

    def show_problems(self, problems: tuple[Problem, ...] | list[Problem]) -> None:
        """Put each problem next to its field; the full list goes to the side panel."""
        typed = [r for r in self.rows if not r.is_blank()]
        for p in problems:
            if p.field.startswith("petitioners["):
                i = int(p.field[len("petitioners["):p.field.index("]")])
                sub = p.field.split(".", 1)[1] if "." in p.field else ""
                if i < len(typed):
                    typed[i].show_problem(sub, p.message, p.level)
            elif p.field in self._field_msgs:
                set_msg(self._field_msgs[p.field], p.message, RED if p.level == "error" else AMBER)
        errors = [p.message for p in problems if p.level == "error"]
        self.problem_label.setText("不能保存：\n" + "\n".join(f"· {m}" for m in errors))
        self.problem_panel.setVisible(bool(errors))

    def _refocus_first_problem(self, problems) -> None:
        order = {"category": self.cat1, "summary": self.summary, "received_at": self.received, "unit": self.unit,
                 "headcount": self.headcount, "petitioners": self.rows[0].name if self.rows else None}
        typed = [r for r in self.rows if not r.is_blank()]
        for p in problems:
            if p.level != "error":
                continue
            if p.field.startswith("petitioners["):
                i = int(p.field[len("petitioners["):p.field.index("]")])
                if i < len(typed):
                    sub = p.field.split(".", 1)[1] if "." in p.field else "name"
                    getattr(typed[i], sub, typed[i].name).setFocus()
                    return
            w = order.get(p.field)
            if w is not None:
                w.setFocus()
                return


"""分办试算 page: route a made-up case with the current directory, 权责清单 and 分办原则; nothing is saved."""
from __future__ import annotations

from html import escape

from ...domain.enums import LegalStatus, Purpose
from ...domain.problems import DomainError
from ...services.intake import draft_from_dict
from ..dialogs import attach_unit_completer
from ..qt import (QComboBox, QFormLayout, QFrame, QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit, QPushButton,
                  QSplitter, Qt, QTextBrowser, QVBoxLayout, QWidget)
from ..widgets import alternative_names, hint_label
from .common import RED, SettingsPage


class TrialPage(SettingsPage):
    def __init__(self, ws, actor: str, parent=None):
        super().__init__(ws, actor, parent)
        self.last: dict | None = None
        self.purpose = QComboBox()
        for p in Purpose:
            self.purpose.addItem(p.value, p.value)
        self.purpose.setCurrentIndex(self.purpose.findData(Purpose.COMPLAINT.value))
        self.cat1 = QComboBox()
        self.cat2 = QComboBox()
        self.cat1.currentIndexChanged.connect(self._fill_cat2)
        cats = QHBoxLayout()
        cats.addWidget(self.cat1, 1)
        cats.addWidget(self.cat2, 1)
        self.place = QLineEdit()
        self.place.setPlaceholderText("如 东湖街道樱园社区")
        self.summary = QLineEdit()
        self.summary.setPlaceholderText("一句话概括反映的问题")
        self.content = QPlainTextEdit()
        self.content.setPlaceholderText("事实与理由（关键词匹配会用到）")
        self.content.setMaximumHeight(110)
        self.caused_by = QLineEdit()
        self.caused_by.setPlaceholderText("引发问题的单位（可不填）")
        self.accused = QLineEdit()
        self.accused.setPlaceholderText("检举控告的对象单位（可不填）")
        for e in (self.caused_by, self.accused):
            attach_unit_completer(e, ws)
        self.legal = QComboBox()
        for s in LegalStatus:
            self.legal.addItem(s.value or "（无）", s.value)
        self.run_btn = QPushButton("试算")
        self.run_btn.setObjectName("primary")
        self.run_btn.clicked.connect(self.run)
        self.clear_btn = QPushButton("清空")
        self.clear_btn.clicked.connect(self.clear)

        form_box = QFrame()
        form = QFormLayout(form_box)
        form.setFieldGrowthPolicy(QFormLayout.AllNonFixedFieldsGrow)
        form.addRow("信访目的", self.purpose)
        form.addRow("问题类别", cats)
        form.addRow("问题发生地", self.place)
        form.addRow("反映问题", self.summary)
        form.addRow("事实与理由", self.content)
        form.addRow("引发单位", self.caused_by)
        form.addRow("被检举单位", self.accused)
        form.addRow("法律程序状态", self.legal)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.clear_btn)
        buttons.addWidget(self.run_btn)
        form.addRow(buttons)
        hint = hint_label("试算只按当前的单位目录、权责清单和分办原则计算，不登记、不保存。")
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        t = QLabel("假设的信访事项")
        t.setObjectName("sectionTitle")
        ll.addWidget(t)
        ll.addWidget(hint)
        ll.addWidget(form_box)
        ll.addStretch(1)

        self.output = QTextBrowser()
        self.output.setOpenLinks(False)
        self.output.setPlaceholderText("填写左侧后点“试算”，这里显示分办结果和每条原则的判断理由。")
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        t2 = QLabel("分办结果")
        t2.setObjectName("sectionTitle")
        rl.addWidget(t2)
        rl.addWidget(self.output, 1)

        split = QSplitter(Qt.Horizontal)
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        split.setSizes([480, 720])
        lay = QVBoxLayout(self)
        lay.addWidget(split, 1)
        self.refresh()

    def refresh(self) -> None:
        current = self.category_path()
        self._categories = [(l1, l2, path) for path, l1, l2, _lit in self.ws.categories()]
        self.cat1.blockSignals(True)
        self.cat1.clear()
        self.cat1.addItem("（请选择）", "")
        for l1 in dict.fromkeys(l1 for l1, _l2, _p in self._categories):
            self.cat1.addItem(l1, l1)
        self.cat1.blockSignals(False)
        self._fill_cat2()
        if current:
            self.set_category(current)

    def _fill_cat2(self, *_) -> None:
        l1 = self.cat1.currentData() or ""
        self.cat2.clear()
        subs = [(l2, path) for a, l2, path in self._categories if a == l1 and l2]
        self.cat2.addItem("（不限二级）" if l1 else "（请先选一级）", l1)
        for l2, path in subs:
            self.cat2.addItem(l2, path)
        self.cat2.setEnabled(bool(l1))

    def set_category(self, path: str) -> None:
        l1 = path.split("/", 1)[0]
        i = self.cat1.findData(l1)
        if i >= 0:
            self.cat1.setCurrentIndex(i)
            j = self.cat2.findData(path)
            if j >= 0:
                self.cat2.setCurrentIndex(j)

    def category_path(self) -> str:
        return (self.cat2.currentData() or self.cat1.currentData() or "") if hasattr(self, "_categories") else ""

    def draft_dict(self) -> dict:
        return {"channel": "来信", "received_at": self.ws.now().strftime("%Y-%m-%d %H:%M"),
                "purpose": self.purpose.currentData(), "category": self.category_path(),
                "summary": self.summary.text().strip(), "content": self.content.toPlainText().strip(),
                "place": self.place.text().strip(), "caused_by": self.caused_by.text().strip(),
                "accused_unit": self.accused.text().strip(), "legal_status": self.legal.currentData() or "",
                "petitioners": [{"anonymous": True}]}

    def run(self) -> dict | None:
        try:
            out = self.ws.suggest_route(draft_from_dict(self.draft_dict()))
        except DomainError as e:
            self.last = None
            self.output.setHtml(f"<p style='color:{RED}'>无法试算：{escape(e.message)}</p>")
            return None
        self.last = out
        self.output.setHtml(self.render(out))
        return out

    def render(self, out: dict) -> str:
        h = []
        if out.get("unit"):
            h.append(f"<p style='font-size:14pt'><b>{escape(out.get('unit_name') or out['unit'])}</b>"
                     f"　<span style='color:#6b7785'>{escape(out['unit'])}</span></p>")
        if out.get("needs_manual"):
            h.append(f"<p style='color:{RED}; font-weight:bold'>需人工指定承办单位</p>")
        rows = [("处理方式", out.get("channel") or ""), ("适用原则", out.get("principle_name") or "")]
        if out.get("rule") is not None:
            rows.append(("权责清单", f"第 {out.get('rule_version')} 版第 {out['rule']} 行"))
        if out.get("basis"):
            rows.append(("依据", out["basis"]))
        if out.get("restricted"):
            rows.append(("保密", "检举控告件，限制查阅；举报人信息只向纪检监察机关提供"))
        h.append("<table cellspacing='0' cellpadding='3'>" + "".join(
            f"<tr><td style='color:#6b7785; white-space:nowrap'>{escape(k)}</td><td>{escape(str(v))}</td></tr>"
            for k, v in rows if v) + "</table>")
        reasons = out.get("reasons") or []
        if reasons:
            h.append("<p><b>逐条判断</b></p><ol style='margin-top:0'>" +
                     "".join(f"<li>{escape(str(r))}</li>" for r in reasons) + "</ol>")
        alts = alternative_names(out)
        if alts:
            h.append("<p><b>备选单位</b>：" + escape("、".join(alts)) + "</p>")
        return "".join(h)

    def result_text(self) -> str:
        return self.output.toPlainText()

    def clear(self) -> None:
        for e in (self.place, self.summary, self.caused_by, self.accused):
            e.clear()
        self.content.clear()
        self.cat1.setCurrentIndex(0)
        self.legal.setCurrentIndex(0)
        self.output.clear()
        self.last = None

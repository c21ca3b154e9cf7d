"""登记: the registration form, keyboard first.

Enter saves from any single-line field (inside 诉求/事实与理由 it inserts a newline); Ctrl+Enter always saves;
Esc clears after confirmation. ID numbers and phones are checked while typed; ~300 ms after the person or the
matter changes, `Workspace.preview` looks for repeats (疑似重复件 / 不再受理候选) and the suggested route.
The form collects a plain dict and parses it with `intake.draft_from_dict`, the same parser the CLI uses.
The 信访人 rows, the 附件 box and the side panels are in petitioners.py, attachments.py and panels.py.
"""
from __future__ import annotations

import json
import logging
import os
from datetime import datetime
from pathlib import Path

from ...domain.enums import Channel, PetitionerRole, Purpose, ReachedLevel
from ...domain.problems import DomainError
from ...services import intake
from ..qt import (QCheckBox, QComboBox, QEvent, QFrame, QGridLayout, QGroupBox,
                  QHBoxLayout, QKeyEvent, QLabel, QLineEdit, QMessageBox, QPushButton, QScrollArea, QSpinBox, Qt,
                  QVBoxLayout, QWidget, Signal)
from ..timers import WorkspaceTimer, stop_timers
from .attachments import AttachmentsMixin
from .matter import MatterMixin
from .messages import AMBER, RED, msg_label, set_msg
from .panels import SidePanelsMixin
from .petitioners import PetitionerRow, PetitionersMixin

DEBOUNCE_MS = 300
log = logging.getLogger(__name__)


class RegisterForm(PetitionersMixin, MatterMixin, AttachmentsMixin, SidePanelsMixin, QWidget):
    """The 登记 form. `saved(case_id)` is emitted after a successful registration; the form then resets."""

    saved = Signal(str)
    open_case = Signal(str)     # a repeat link was clicked (case id)

    def __init__(self, ws, actor: str, parent=None, draft_path: str | None = None):
        super().__init__(parent)
        self.ws, self.actor = ws, actor
        self.draft_path = draft_path      # typed input is kept here until saved or discarded (crash recovery)
        self.rows: list[PetitionerRow] = []
        self._closed = False
        self._overridden = False
        self.last_preview = None
        self.last_registered = None
        self._field_msgs: dict[str, QLabel] = {}
        self._timer = WorkspaceTimer(self, ws, DEBOUNCE_MS, self.refresh_preview)
        self._categories = [(l1, l2, path) for path, l1, l2, _lit in ws.categories()]
        self.collective_threshold = int(ws.setting("collective_threshold") or 5)
        self.max_representatives = int(ws.setting("max_representatives") or 5)
        self._build()
        self.reset()

    # ---- layout -------------------------------------------------------------------------------------
    def _build(self) -> None:
        outer = QHBoxLayout(self)
        outer.setContentsMargins(8, 8, 8, 8)

        # left: the form in a scroll area
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        body = QWidget()
        scroll.setWidget(body)
        col = QVBoxLayout(body)
        col.setContentsMargins(0, 0, 8, 0)
        outer.addWidget(scroll, 3)

        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setVisible(False)
        self.banner.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        col.addWidget(self.banner)

        # 基本信息
        basic = QGroupBox("基本信息")
        g = QGridLayout(basic)
        g.setHorizontalSpacing(10)
        self.channel = QComboBox()
        for c in Channel:
            self.channel.addItem(c.value, c.value)
        self.work_order = QLineEdit()
        self.work_order.setPlaceholderText("12345 工单号")
        self.work_order_label = QLabel("工单号")
        # one field, typed as a clerk says it: "2026-03-02 09:30", "今天 9:30", "昨天 14:00"
        self.received = QLineEdit()
        self.received.setPlaceholderText("如 2026-03-02 09:30、今天 9:30、昨天 14:00")
        self.received.setToolTip("收到时间：YYYY-MM-DD HH:MM，或“今天 9:30”“昨天 14:00”")
        self.received.editingFinished.connect(self._normalise_received)
        self.purpose = QComboBox()
        for p in Purpose:
            self.purpose.addItem(p.value, p.value)
        self.purpose.setCurrentIndex(self.purpose.findData(Purpose.COMPLAINT.value))
        self.headcount = QSpinBox()
        self.headcount.setRange(1, 9999)
        self.headcount.setSuffix(" 人")
        self.collective_hint = QLabel()
        self.collective_hint.setStyleSheet(f"color: {AMBER}; font-weight: bold;")
        self.collective_hint.setVisible(False)
        self.leader = QLineEdit()
        self.leader.setPlaceholderText("领导接访时填写")
        self.public = QCheckBox("公开接访")
        self.level = QComboBox()          # 越级情况
        for lv in ReachedLevel:
            self.level.addItem(lv.value, lv.value)
        self.irregular = QCheckBox("非正常上访")
        self.irregular_note = QLineEdit()
        self.irregular_note.setPlaceholderText("简要情况，如：在机关门前聚集滞留")
        self.irregular_note.setEnabled(False)
        self.irregular.toggled.connect(self.irregular_note.setEnabled)

        g.addWidget(QLabel("信访形式"), 0, 0)
        g.addWidget(self.channel, 0, 1)
        g.addWidget(QLabel("收到时间"), 0, 2)
        g.addWidget(self.received, 0, 3)
        g.addWidget(self.work_order_label, 1, 0)
        g.addWidget(self.work_order, 1, 1)
        g.addWidget(self._msg("work_order_no"), 2, 1)
        g.addWidget(self._msg("received_at"), 1, 3)
        g.addWidget(QLabel("信访目的"), 3, 0)
        g.addWidget(self.purpose, 3, 1)
        g.addWidget(QLabel("人数"), 3, 2)
        hc = QHBoxLayout()
        hc.addWidget(self.headcount)
        hc.addWidget(self.collective_hint, 1)
        g.addLayout(hc, 3, 3)
        g.addWidget(self._msg("headcount"), 4, 3)
        g.addWidget(QLabel("接谈领导"), 5, 0)
        g.addWidget(self.leader, 5, 1)
        g.addWidget(self.public, 5, 3)
        g.addWidget(QLabel("越级情况"), 6, 0)
        g.addWidget(self.level, 6, 1)
        irr = QHBoxLayout()
        irr.addWidget(self.irregular)
        irr.addWidget(self.irregular_note, 1)
        g.addLayout(irr, 6, 2, 1, 2)
        g.setColumnStretch(1, 1)
        g.setColumnStretch(3, 1)
        col.addWidget(basic)

        col.addWidget(self._build_people())

        col.addWidget(self._build_matter())

        col.addWidget(self._build_attachments())
        col.addStretch(1)
        outer.addLayout(self._build_side(), 1)

        # wiring
        self.channel.currentIndexChanged.connect(self._channel_changed)
        self.purpose.currentIndexChanged.connect(self._purpose_changed)
        self.headcount.valueChanged.connect(self._update_collective)
        self.cat1.currentIndexChanged.connect(self._fill_cat2)
        for sig in (self.cat2.currentIndexChanged, self.summary.textChanged, self.demands.textChanged,
                    self.unit.textChanged, self.channel.currentIndexChanged, self.purpose.currentIndexChanged,
                    self.headcount.valueChanged, self.legal.currentIndexChanged):
            sig.connect(self.schedule_preview)
        # everything routing reads refreshes the 建议承办 panel (issue 11: a stale panel misled a clerk)
        for sig in (self.content.textChanged, self.place.textChanged, self.place_code.textChanged,
                    self.caused_by.textChanged, self.accused.textChanged, self.override_reason.textChanged,
                    self.received.textChanged):
            sig.connect(self.schedule_preview)
        for w in (self.demands, self.content):
            w.installEventFilter(self)
        self._fill_cat1()

    def _msg(self, field: str) -> QLabel:
        label = msg_label()
        self._field_msgs[field] = label
        return label

    def _with_msg(self, item, field: str) -> QWidget:
        box = QWidget()
        v = QVBoxLayout(box)
        v.setContentsMargins(0, 0, 0, 0)
        v.setSpacing(1)
        if isinstance(item, QWidget):
            v.addWidget(item)
        else:
            v.addLayout(item)
        v.addWidget(self._msg(field))
        return box

    def _fix_tab_order(self) -> None:
        chain: list[QWidget] = [self.channel, self.received, self.work_order, self.purpose, self.headcount,
                                self.leader, self.public, self.level, self.irregular, self.irregular_note]
        for r in self.rows:
            chain += r.focus_chain()
        chain += [self.add_person_button, self.cat1, self.cat2, self.summary, self.demands, self.content,
                  self.place, self.place_code, self.caused_by, self.accused, self.legal, self.unit,
                  self.override_reason, self.add_attachment_button, self.remove_attachment_button,
                  self.save_button, self.clear_button]
        for a, b in zip(chain, chain[1:]):
            QWidget.setTabOrder(a, b)

    # ---- dependent fields ------------------------------------------------------------------------
    def _channel_changed(self) -> None:
        hotline = self.channel.currentData() == Channel.HOTLINE_12345.value
        self.work_order.setVisible(hotline)
        self.work_order_label.setVisible(hotline)
        if not hotline:
            set_msg(self._field_msgs["work_order_no"], "")
        self._update_collective()

    def _update_collective(self) -> None:
        n = self.headcount.value()
        visit = self.channel.currentData() == Channel.VISIT.value
        if visit and n >= self.collective_threshold:
            reps = sum(1 for r in self.rows if r.role.currentData() == PetitionerRole.REPRESENTATIVE.value)
            text = f"集体访（{n} 人）"
            if reps == 0:
                text += f"：请推选代表，不超过 {self.max_representatives} 人"
            elif reps > self.max_representatives:
                text += f"：代表 {reps} 人，超过 {self.max_representatives} 人"
            self.collective_hint.setText(text)
            self.collective_hint.setVisible(True)
        else:
            self.collective_hint.setVisible(False)

    # ---- collecting ------------------------------------------------------------------------------
    def received_at(self) -> datetime:
        """The typed 收到时间 (raises DomainError with the accepted forms when it cannot be read)."""
        return intake.parse_datetime(self.received.text(), "收到时间", self.ws.now())

    def set_received(self, value: datetime) -> None:
        self.received.setText(f"{value:%Y-%m-%d %H:%M}")

    def _normalise_received(self) -> None:
        """Show what was understood ("今天 9:30" → "2026-11-27 09:30"), or say why it cannot be read."""
        try:
            self.set_received(self.received_at())
            set_msg(self._field_msgs["received_at"], "")
        except DomainError as e:
            set_msg(self._field_msgs["received_at"], e.message, RED)

    def collect(self) -> dict:
        """Everything typed, as the `case add` JSON (blank petitioner rows are left out)."""
        hotline = self.channel.currentData() == Channel.HOTLINE_12345.value
        accusation = self.purpose.currentData() == Purpose.ACCUSATION.value
        return {
            "channel": self.channel.currentData(),
            "received_at": self.received.text().strip(),
            "purpose": self.purpose.currentData(),
            "category": self.category_path(),
            "summary": self.summary.text().strip(),
            "demands": self.demands.toPlainText().strip(),
            "content": self.content.toPlainText().strip(),
            "place": self.place.text().strip(),
            "place_code": self.place_code.text().strip(),
            "headcount": self.headcount.value(),
            "work_order_no": self.work_order.text().strip() if hotline else "",
            "reception_leader": self.leader.text().strip(),
            "public_reception": self.public.isChecked(),
            "caused_by": self.caused_by.text().strip(),
            "accused_unit": self.accused.text().strip() if accusation else "",
            "legal_status": self.legal.currentData() or "",
            "reached_level": self.level.currentData() or ReachedLevel.LOCAL.value,
            "irregular": self.irregular.isChecked(),
            "irregular_note": self.irregular_note.text().strip() if self.irregular.isChecked() else "",
            "unit": self.unit.text().strip(),
            "override_reason": self.override_reason.text().strip(),
            "petitioners": [r.to_dict() for r in self.rows if not r.is_blank()],
            "attachments": self.attachment_paths(),
        }

    def draft(self):
        return intake.draft_from_dict(self.collect(), self.ws.now())

    # ---- live preview -------------------------------------------------------------------------------
    def schedule_preview(self, *_args) -> None:
        if not self._closed:
            self._timer.start()

    def refresh_preview(self) -> None:
        self._timer.stop()
        self.write_draft()
        try:
            pv = self.ws.preview(self.draft())
        except DomainError as e:
            # e.g. a 承办单位 that is not in the directory: say so under the field, keep the rest
            if self.unit.text().strip() and "单位" in e.message:
                set_msg(self._field_msgs["unit"], e.message, RED)
            else:
                self.hint_label.setText(e.message)
                self.hint_label.setVisible(True)
            return
        set_msg(self._field_msgs["unit"], "")
        when = next((p for p in pv.problems if p.field == "received_at"), None)   # 晚于现在 / 早于 N 年前
        set_msg(self._field_msgs["received_at"], when.message if when else "",
                RED if when and when.level == "error" else AMBER)
        self.last_preview = pv
        self._show_repeats(pv.repeats, pv.person_cases)
        self._show_route(pv.route or {})
        warns = [p.message for p in pv.problems if p.level == "warning" and not p.field.startswith("petitioners[")]
        self.hint_label.setText("\n".join(f"提示：{w}" for w in warns))
        self.hint_label.setVisible(bool(warns))

    def shown_unit(self) -> str:
        """The unit the 建议承办 panel shows now ("" when it shows none)."""
        route = self.last_preview.route if self.last_preview is not None else {}
        return (route or {}).get("unit", "") or ""

    # ---- confirmations (tests replace `ask`) --------------------------------------------------------
    def ask(self, title: str, text: str) -> bool:
        answer = QMessageBox.question(self, title, text, QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                      QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    # ---- saving ---------------------------------------------------------------------------------------
    def save(self) -> str | None:
        """Register what is typed. On a refusal keep everything and show why; on success emit saved and reset.

        The panels are brought up to date first: when the suggested unit changes at that moment, nothing is
        saved and the clerk sees the new suggestion; a likely repeat and an old 收到时间 are confirmed."""
        self._clear_problems()
        before = self.shown_unit() if self.route_panel.isVisible() else ""
        self.refresh_preview()
        pv = self.last_preview
        if pv is not None and before and self.shown_unit() != before:
            name = (pv.route or {}).get("unit_name") or "需人工指定"
            self.show_banner(f"建议承办已按最新填写内容更新为“{name}”，请核对右侧“建议承办”后再保存", "warn")
            return None
        confirm_old = False
        if pv is not None and pv.old_received:
            text = next((p.message for p in pv.problems if p.field == "received_at"), "收到时间很早")
            if not self.ask("收到时间很早", text.split("，请核对")[0] + "。\n确认这是一件旧信访件，按此时间登记？"):
                self.received.setFocus()
                return None
            confirm_old = True
        if pv is not None and pv.repeats and pv.can_save:
            numbers = "、".join(m.number for m in pv.repeats)
            if not self.ask("疑似重复件", f"此件与 {numbers} 同人同事，可能是重复信访。\n仍然登记为新件"
                                         f"（登记后标注“疑似重复件”）？"):
                return None
        try:
            registered = self.ws.register(self.draft(), self.actor, confirm_old=confirm_old,
                                          expect_unit=self.shown_unit() if pv is not None else None)
        except DomainError as e:
            self.show_banner(e.message, "error")
            self.show_problems(e.problems)
            self._refocus_first_problem(e.problems)
            self.refresh_preview()          # whatever the panels show is current again
            return None
        case = registered.case
        self.last_registered = registered
        text = f"已登记 {case.number}（{case.status.label}）"
        if isinstance(case.route, dict) and case.route.get("unit_name"):
            text += f"，建议承办：{case.route['unit_name']}"
        if case.attachments:
            text += f"，附件 {len(case.attachments)} 个已保存"
        kind = "ok"
        if registered.repeats:
            text += "；疑似重复件：" + "、".join(m.number for m in registered.repeats)
            kind = "warn"
        if registered.warnings:
            text += "\n提示：" + "；".join(w.message for w in registered.warnings)
            kind = "warn"
        self.reset()
        self.discard_draft()
        self.show_banner(text, kind)
        self.saved.emit(case.id)
        return case.id

    # ---- the local draft (survives a crash) ------------------------------------------------------------
    def write_draft(self) -> None:
        if not self.draft_path:
            return
        path = Path(self.draft_path)
        try:
            if not self.has_input():
                path.unlink(missing_ok=True)
                return
            tmp = path.with_name(path.name + ".tmp")
            tmp.write_text(json.dumps(self.collect(), ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, path)          # never a half-written draft
        except OSError as exc:
            log.warning("draft not written to %s: %s", path, exc)

    def discard_draft(self) -> None:
        if self.draft_path:
            Path(self.draft_path).unlink(missing_ok=True)

    def load(self, data: dict) -> None:
        """Fill the form from a collected dict (a recovered draft)."""
        self.reset()
        self.channel.setCurrentIndex(max(0, self.channel.findData(data.get("channel"))))
        self.received.setText(str(data.get("received_at") or ""))
        self.purpose.setCurrentIndex(max(0, self.purpose.findData(data.get("purpose"))))
        self.headcount.setValue(int(data.get("headcount") or 1))
        self.set_category(str(data.get("category") or ""))
        for widget, key in ((self.work_order, "work_order_no"), (self.summary, "summary"), (self.place, "place"),
                            (self.place_code, "place_code"), (self.leader, "reception_leader"),
                            (self.caused_by, "caused_by"), (self.accused, "accused_unit"), (self.unit, "unit"),
                            (self.override_reason, "override_reason")):
            widget.setText(str(data.get(key) or ""))
        self.demands.setPlainText(str(data.get("demands") or ""))
        self.content.setPlainText(str(data.get("content") or ""))
        self.public.setChecked(bool(data.get("public_reception")))
        self.legal.setCurrentIndex(max(0, self.legal.findData(data.get("legal_status") or "")))
        for i, p in enumerate(data.get("petitioners") or []):
            row = self.rows[0] if i == 0 else self.add_petitioner()
            row.kind.setCurrentIndex(max(0, row.kind.findData(p.get("kind"))))
            row.role.setCurrentIndex(max(0, row.role.findData(p.get("role"))))
            for widget, key in ((row.name, "name"), (row.id_number, "id_number"), (row.phone, "phone"),
                                (row.address, "address")):
                widget.setText(str(p.get(key) or ""))
            row.anonymous.setChecked(bool(p.get("anonymous")))
        self.add_attachments(str(p) for p in data.get("attachments") or [])
        self.refresh_preview()

    # ---- clearing ----------------------------------------------------------------------------------------
    def has_input(self) -> bool:
        d = self.collect()
        return any(d[k] for k in ("summary", "demands", "content", "place", "place_code", "work_order_no",
                                  "reception_leader", "caused_by", "accused_unit", "unit", "category",
                                  "petitioners", "attachments"))

    def clear(self, confirm: bool = True) -> bool:
        if confirm and self.has_input():
            answer = QMessageBox.question(self, "清空登记表", "清空已填写的全部内容？",
                                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                          QMessageBox.StandardButton.No)
            if answer != QMessageBox.StandardButton.Yes:
                return False
        self.reset()
        self.discard_draft()
        self.show_banner("", "ok")
        return True

    def reset(self) -> None:
        """Back to an empty form with one petitioner row and 收到时间 = now."""
        self._timer.stop()
        for r in self.rows[1:]:
            r.setParent(None)
            r.deleteLater()
        self.rows = self.rows[:1]
        if not self.rows:
            self.add_petitioner()
        self._reset_row(self.rows[0])
        self._renumber()
        self.channel.setCurrentIndex(0)
        self.set_received(self.ws.now())
        self.purpose.setCurrentIndex(self.purpose.findData(Purpose.COMPLAINT.value))
        self.cat1.setCurrentIndex(0)
        for w in (self.work_order, self.summary, self.place, self.place_code, self.leader, self.caused_by,
                  self.accused, self.unit, self.override_reason):
            w.clear()
        self.demands.clear()
        self.content.clear()
        self.attachment_list.clear()
        self._attachment_buttons()
        self.headcount.setValue(1)
        self.public.setChecked(False)
        self.level.setCurrentIndex(0)
        self.irregular.setChecked(False)
        self.irregular_note.clear()
        self.legal.setCurrentIndex(0)
        self._clear_problems()
        self._channel_changed()
        self._purpose_changed()
        self.repeat_panel.setVisible(False)
        self._show_route({})
        self.hint_label.setVisible(False)
        self.last_preview = None
        self._timer.stop()
        self.focus_first()

    def focus_first(self) -> None:
        """The cursor goes to the first field (after Ctrl+N and after every save)."""
        self.channel.setFocus(Qt.FocusReason.OtherFocusReason)

    # ---- keys -----------------------------------------------------------------------------------------
    @staticmethod
    def _is_save_key(event: QKeyEvent) -> bool:
        return event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)

    def eventFilter(self, obj, event) -> bool:
        # Ctrl+Enter saves from the multi-line fields; a plain Enter there inserts a newline.
        if event.type() == QEvent.Type.KeyPress and self._is_save_key(event) \
                and event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.save()
            return True
        return super().eventFilter(obj, event)

    def closeEvent(self, event) -> None:
        self._closed = True         # a field losing focus while closing must not start the preview again
        stop_timers(self)   # the preview debounce must not fire after the form (or its Workspace) is gone
        super().closeEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self._is_save_key(event):
            focus = self.focusWidget()
            if isinstance(focus, QPushButton) and not event.modifiers() & Qt.KeyboardModifier.ControlModifier:
                focus.click()       # Enter on a focused button presses it
            else:
                self.save()
            event.accept()
            return
        if event.key() == Qt.Key.Key_Escape:
            self.clear(confirm=True)
            event.accept()
            return
        super().keyPressEvent(event)


__all__ = ["RegisterForm", "PetitionerRow"]

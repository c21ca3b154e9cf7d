"""First run: 选择本单位 — which office of the unit directory runs the program (numbers and routing follow it).

OK calls ws.set_office and records the setting "office_confirmed", so the question is asked once per database.
Tests choose a unit with `choose(code)` and press `ok_button`.
"""
from __future__ import annotations

from ..domain.problems import DomainError
from .qt import QComboBox, QDialog, QLabel, QVBoxLayout, Qt
from .widgets import error_label, make_searchable, ok_cancel_buttons

CONFIRMED = "office_confirmed"


def office_confirmed(ws) -> bool:
    return ws.setting(CONFIRMED) in (True, 1, "1", "true", "True")


class OfficeDialog(QDialog):
    def __init__(self, ws, actor: str, parent=None):
        super().__init__(parent)
        self.ws, self.actor = ws, actor
        self.setWindowTitle("选择本单位")
        self.setMinimumWidth(520)
        title = QLabel("请选择本单位")
        title.setStyleSheet("font-size: 13pt; font-weight: bold;")
        hint = QLabel("本单位是运行本程序的信访部门：信访件按本单位编号，分办时按本单位的层级判断转送、交办或上报。"
                      "以后可在“设置 › 单位目录”中更改。")
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #455a64;")
        self.units = QComboBox()
        make_searchable(self.units, "输入单位名称或编码的几个字查找")
        self.units.setMaxVisibleItems(16)
        for u in ws.units_list():
            self.units.addItem(f"{u['name']}（{u['code']}）", u["code"])
        current = ws.setting("office") or ""
        i = self.units.findData(current)
        self.units.setCurrentIndex(i if i >= 0 else (0 if self.units.count() else -1))
        self.error = error_label()
        self.buttons, self.ok_button = ok_cancel_buttons(self, "确定", "以后再说")
        self.cancel_button = self.buttons.button(self.buttons.StandardButton.Cancel)
        self.cancel_button.setToolTip("暂用当前的本单位，下次启动时再问")
        lay = QVBoxLayout(self)
        lay.addWidget(title)
        lay.addWidget(hint)
        lay.addSpacing(4)
        lay.addWidget(self.units)
        lay.addWidget(self.error)
        lay.addSpacing(4)
        lay.addWidget(self.buttons)
        self.units.setFocus()

    def choose(self, code: str) -> None:
        i = self.units.findData(code)
        if i >= 0:
            self.units.setCurrentIndex(i)
        else:
            self.units.setCurrentText(code)

    def chosen_code(self) -> str:
        """The unit picked or typed: an item of the list, else a code or name found in the directory."""
        text = self.units.currentText().strip()
        if not text:
            return ""
        i = self.units.findText(text, Qt.MatchFlag.MatchFixedString)
        if i >= 0:
            return self.units.itemData(i)
        unit = self.ws.directory.find(text)
        return unit.code if unit is not None else text

    def submit(self) -> None:
        code = self.chosen_code()
        if not code:
            self.show_error("请选择本单位")
            return
        try:
            self.ws.set_office(code, self.actor)
        except DomainError as e:
            self.show_error(e.message)
            return
        self.ws.set_setting(CONFIRMED, True)
        self.accept()

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(True)
        self.resize(self.width(), max(self.height(), self.sizeHint().height()))


def offer_sample(ws, actor: str, parent=None, ask=None) -> bool:
    """A new office database starts empty; offer the 江城市城东区 sample set as a template (units, categories,
    权责清单). `ask(title, text) -> bool` replaces the dialog in tests. True when the sample was installed."""
    from .qt import QMessageBox

    def dialog(title: str, text: str) -> bool:
        box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent)
        use = box.addButton("使用示例作为模板", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("从空白开始", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(use)
        box.exec()
        return box.clickedButton() is use

    text = ("这是一个新的数据库，还没有单位目录、问题类别和权责清单。\n\n"
            "可以先使用“江城市城东区”示例（约 140 个单位、78 个类别、权责清单第 1 版）作为模板，"
            "再在“设置”中改成本单位的实际情况；也可以从空白开始，在“设置 › 单位目录 / 权责清单”中导入本单位的表格。\n\n"
            "示例不含任何信访件。想先看看系统运行的样子，请用菜单“文件 › 打开演示数据库”。")
    if not (ask or dialog)("新数据库", text):
        return False
    ws.install_sample(actor)
    return True


def ask_office(ws, actor: str, parent=None) -> bool:
    """Show the dialog (blocking) unless the office was confirmed already; True when it is confirmed now."""
    if office_confirmed(ws):
        return True
    return OfficeDialog(ws, actor, parent).exec() == QDialog.DialogCode.Accepted


__all__ = ["CONFIRMED", "OfficeDialog", "ask_office", "offer_sample", "office_confirmed"]

"""文件 › 清除演示数据… (管理员): shows what the demo generator made and what is kept, asks, backs up, removes."""
from __future__ import annotations

from .qt import QApplication, QMessageBox, Qt


def _ask(parent, text: str) -> bool:
    box = QMessageBox(QMessageBox.Warning, "清除演示数据", "将从本数据库删除以下演示数据：", parent=parent)
    box.setInformativeText(text + "\n\n清除前先自动备份到备份文件夹；清除记入账本，可在“设置 › 数据完整性”核对。"
                                  "此操作不能撤销（只能从备份恢复）。")
    go = box.addButton("备份并清除", QMessageBox.DestructiveRole)
    cancel = box.addButton("取消", QMessageBox.RejectRole)
    box.setDefaultButton(cancel)
    box.setEscapeButton(cancel)
    box.exec()
    return box.clickedButton() is go


def _tell(parent, title: str, text: str) -> None:
    QMessageBox.information(parent, title, text)


def clear_demo(window, ask=_ask, tell=_tell) -> dict | None:
    """The menu action: the plan, a confirmation, then the purge; returns the result (None when nothing was
    removed). `ask(parent, text) -> bool` and `tell(parent, title, text)` are replaced in tests."""
    from ..domain.problems import DomainError
    from ..services.demo_data import describe
    if not window.confirm_leave():          # the 登记 form may hold typed input: never lose it
        return None
    ws = window.ws
    try:
        plan = ws.demo_data.find()
    except DomainError as exc:
        tell(window, "清除演示数据", exc.message)
        return None
    if not plan["cases"]:
        tell(window, "清除演示数据", describe(plan))
        return None
    if not ask(window, describe(plan)):
        return None
    QApplication.setOverrideCursor(Qt.WaitCursor)
    try:
        done = ws.demo_data.purge(window.actor)
    except DomainError as exc:
        QApplication.restoreOverrideCursor()
        tell(window, "未能清除演示数据", exc.message)
        return None
    QApplication.restoreOverrideCursor()
    from .main_window import TAB_SETTINGS
    for index in range(window.tabs.count() - 1, TAB_SETTINGS, -1):     # opened cases may be gone
        window.close_tab(index)
    window.refresh_data()
    removed = done["removed"]
    tell(window, "演示数据已清除",
         f"已清除演示信访件 {removed['cases']:,} 件，删除演示账户 {len(removed['logins'])} 个；"
         f"保留 {len(done['kept'])} 件。\n清除前的备份：{done['backup'] or '（内存数据库，未备份）'}\n"
         f"新的账本锚点：{done['anchor_after']}")
    return done

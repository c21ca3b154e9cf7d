"""Opening the database off the GUI thread. An upgrade makes a pre-migration copy and may recompute
derived data (at 1,000,000 cases: minutes); a program that shows nothing meanwhile looks hung, so after a
short moment a box says what is happening."""
from __future__ import annotations

import threading
from typing import Callable, TypeVar

from .qt import QApplication, QEventLoop, QProgressDialog, Qt

T = TypeVar("T")

WAIT_TEXT = ("正在打开数据库……\n"
             "如需升级数据库，会先做一份备份再升级，数据多时可能需要几分钟，请不要关闭程序。")


def open_in_background(open_database: Callable[[], T], show_after_ms: int = 700) -> T:
    """Run `open_database` in a thread; the GUI stays painted and, if it takes longer than
    `show_after_ms`, shows a busy box without a cancel button (an upgrade must not stop half-way; it is
    one transaction, so even a killed program loses nothing). Its exception, if any, is raised here."""
    outcome: dict = {}

    def run() -> None:
        try:
            outcome["value"] = open_database()
        except BaseException as exc:   # noqa: BLE001 - handed to the GUI thread, raised there
            outcome["error"] = exc

    worker = threading.Thread(target=run, name="open-database", daemon=True)
    worker.start()
    worker.join(show_after_ms / 1000)
    if worker.is_alive():
        box = QProgressDialog(WAIT_TEXT, "", 0, 0)
        box.setCancelButton(None)
        box.setWindowTitle("打开数据库")
        box.setWindowModality(Qt.WindowModality.ApplicationModal)
        box.setMinimumDuration(0)
        box.setMinimumWidth(460)
        box.show()
        while worker.is_alive():
            QApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
            worker.join(0.05)
        box.close()
        box.deleteLater()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]

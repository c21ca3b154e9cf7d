"""The desktop program: `xinfang-gui [--db PATH] [--user LOGIN] [--demo N] [--screenshot PNG]`."""
from __future__ import annotations

import argparse
import getpass
import logging
import os
import sys
import time
from pathlib import Path

from ..domain.problems import DomainError

log = logging.getLogger("xinfang.ui")

FIRST_RUN_DEMO = 2000
PAGES = {"dashboard": 0, "list": 1, "register": 2, "settings": 3}

STYLE = """
QMainWindow, QWidget#page { background: #f5f7fa; }
QTabWidget#mainTabs::pane { border: none; background: #f5f7fa; }
QTabWidget#mainTabs > QTabBar::tab { padding: 8px 18px; margin-right: 2px; background: transparent;
    border: none; border-bottom: 3px solid transparent; color: #3c4858; font-size: 11pt; }
QTabWidget#mainTabs > QTabBar::tab:selected { color: #1a56a6; border-bottom: 3px solid #1a56a6; font-weight: bold; }
QTabWidget#mainTabs > QTabBar::tab:hover { color: #1a56a6; }
QTabWidget#mainTabs > QTabBar { background: #ffffff; border-bottom: 1px solid #dde3ea; }
QLabel#pageTitle { font-size: 16pt; font-weight: bold; color: #1f2d3d; }
QLabel#sectionTitle { font-size: 11pt; font-weight: bold; color: #1f2d3d; }
QLabel#hint { color: #6b7785; }
QLabel#countLabel { font-weight: bold; color: #1f2d3d; }
QLabel#warningBanner { background: #fff4e5; border: 1px solid #f0b35a; border-radius: 4px; color: #8a4b00;
    padding: 8px 10px; }
QLabel#note { background: #ffffff; border: 1px solid #dde3ea; border-radius: 4px; padding: 8px; color: #3c4858; }
QFrame#filterBar, QFrame#panel { background: #ffffff; border: 1px solid #dde3ea; border-radius: 6px; }
QPushButton#tile { background: #ffffff; border: 1px solid #dde3ea; border-radius: 6px; text-align: left; }
QPushButton#tile:hover { background: #f0f5ff; border-color: #a9c3ee; }
QPushButton#tile:pressed { background: #e3ecfb; }
QLabel#tileNumber { font-size: 26pt; font-weight: bold; }
QLabel#tileTitle { font-size: 12pt; font-weight: bold; color: #1f2d3d; }
QLabel#tileCaption { color: #6b7785; }
QPushButton { padding: 5px 14px; border: 1px solid #c4ccd6; border-radius: 4px; background: #ffffff; }
QPushButton:hover { border-color: #1a56a6; color: #1a56a6; }
QPushButton:disabled { color: #a0a8b2; border-color: #dde3ea; }
QPushButton#primary { background: #1a56a6; color: #ffffff; border-color: #1a56a6; }
QPushButton#primary:hover { background: #154a90; color: #ffffff; }
QPushButton#primary:disabled { background: #a9bcd8; border-color: #a9bcd8; }
QPushButton#linkButton { border: none; color: #1a56a6; background: transparent; padding: 2px 4px; }
QPushButton#linkButton:hover { text-decoration: underline; }
QLineEdit, QComboBox, QDateEdit, QPlainTextEdit { padding: 4px 6px; border: 1px solid #c4ccd6; border-radius: 4px;
    background: #ffffff; }
QComboBox QAbstractItemView { background: #ffffff; color: #1f2d3d; border: 1px solid #c4ccd6; outline: 0;
    selection-background-color: #1a56a6; selection-color: #ffffff; }
QComboBox QAbstractItemView::item:selected, QComboBox QAbstractItemView::item:hover,
QComboBox::item:selected { background: #1a56a6; color: #ffffff; }
QComboBox::item { color: #1f2d3d; }
QLineEdit:focus, QComboBox:focus, QDateEdit:focus, QPlainTextEdit:focus { border-color: #1a56a6; }
QLineEdit#searchBox { padding: 5px 8px; }
QTableView, QTreeWidget, QListWidget, QTableWidget { background: #ffffff; border: 1px solid #dde3ea;
    alternate-background-color: #f8fafc; selection-background-color: #dbe7fb; selection-color: #1f2d3d; }
QHeaderView::section { background: #f0f3f7; color: #3c4858; padding: 5px 6px; border: none;
    border-right: 1px solid #dde3ea; border-bottom: 1px solid #dde3ea; font-weight: bold; }
QStatusBar { background: #ffffff; border-top: 1px solid #dde3ea; color: #3c4858; }
QLabel#statusItem { padding: 0 10px; color: #3c4858; }
QListWidget#errorList { color: #b3261e; }
QToolButton#tabClose { border: none; color: #6b7785; font-size: 12pt; padding: 0 2px; }
QToolButton#tabClose:hover { color: #d93025; }
QTabWidget#settingsTabs::pane { border: 1px solid #dde3ea; background: #ffffff; top: -1px; }
QTabWidget#settingsTabs > QTabBar::tab { padding: 6px 16px; background: #eef1f5; border: 1px solid #dde3ea;
    border-bottom: none; margin-right: 2px; color: #3c4858; }
QTabWidget#settingsTabs > QTabBar::tab:selected { background: #ffffff; color: #1a56a6; font-weight: bold; }
"""


def default_db_path() -> Path:
    import platformdirs
    return Path(platformdirs.user_data_dir("xinfang", appauthor=False)) / "xinfang.db"


def demo_db_path() -> Path:
    """The demo database lives apart from the office's own (issue 11 §3)."""
    return default_db_path().with_name("xinfang-demo.db")


DEMO_FLAG = "demo_database"


def is_demo(ws) -> bool:
    return ws.setting(DEMO_FLAG) in (True, 1, "1", "true", "True")


def default_user() -> str:
    try:
        return getpass.getuser() or "user"
    except Exception:   # no login name in some service environments
        return os.environ.get("USERNAME") or os.environ.get("USER") or "user"


def _window_size(text: str) -> str:
    if not text.strip():
        return ""          # remembered size, or maximised on first start
    w, x, h = text.strip().lower().partition("x")
    if not (x and w.isdigit() and h.isdigit() and 320 <= int(w) <= 10000 and 240 <= int(h) <= 10000):
        raise argparse.ArgumentTypeError(f"窗口大小应写成 宽x高（如 1280x800），收到“{text[:20]}”")
    return f"{int(w)}x{int(h)}"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    from ..services.arguments import ChineseArgumentParser, bounded_int
    p = ChineseArgumentParser(prog="xinfang-gui", description="信访事项管理系统（桌面版）")
    p.add_argument("--db", default=None,
                   help="数据库文件，或数据库服务器 postgresql://用户名@地址[:端口]/库名（默认：上次的选择；"
                        "第一次启动时询问）")
    p.add_argument("--read-only", action="store_true", help="只读方式打开（只查看和打印）")
    p.add_argument("--user", default=None, help="当前用户登录名（默认：操作系统用户名）")
    p.add_argument("--demo", type=bounded_int(0, 10_000_000, "演示案件数"), nargs="?", const=FIRST_RUN_DEMO, default=0, metavar="N",
                   help=f"打开演示数据库（与正式数据库分开；为空时生成 N 件演示信访件，默认 {FIRST_RUN_DEMO}）")
    p.add_argument("--no-demo", action="store_true", help=argparse.SUPPRESS)   # kept for old scripts: no effect
    p.add_argument("--screenshot", type=Path, default=None, metavar="PNG", help="启动后把主窗口保存为 PNG 并退出")
    p.add_argument("--page", choices=sorted(PAGES), default="dashboard", help="启动后显示的页面")
    p.add_argument("--size", type=_window_size, default="", help="窗口大小，如 1280x800（默认：上次的大小，首次按屏幕可用区域最大化）")
    return p.parse_args(argv)


class _OneLine(logging.Formatter):
    """stderr gets one line per record: tracebacks belong in the log file, not on the screen."""

    def format(self, record):
        saved = record.exc_info, record.exc_text, record.stack_info
        record.exc_info = record.exc_text = record.stack_info = None
        try:
            return super().format(record)
        finally:
            record.exc_info, record.exc_text, record.stack_info = saved


def setup_logging() -> Path | None:
    root = logging.getLogger()
    if root.handlers:
        return None
    root.setLevel(logging.INFO)
    fmt = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    err = logging.StreamHandler(sys.stderr)
    err.setLevel(logging.WARNING)
    err.setFormatter(_OneLine("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(err)
    try:
        from ..services.errors import log_dir
        folder = log_dir()
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "xinfang-gui.log"
        fh = logging.FileHandler(path, encoding="utf-8")
        fh.setFormatter(fmt)
        root.addHandler(fh)
        return path
    except OSError:
        return None


def error_text(exc: BaseException) -> str:
    from ..services.errors import user_message
    return user_message(exc)


def install_excepthook(log_path: Path | None = None) -> None:
    """No traceback reaches the user: log it and show a Chinese message box instead (ui/guard.py)."""
    from .guard import install_excepthook as install
    install()


def install_translations(app) -> None:
    from .qt import QLibraryInfo, QLocale, QTranslator
    path = QLibraryInfo.path(QLibraryInfo.TranslationsPath)
    app._translators = []
    for name in ("qtbase_zh_CN", "qt_zh_CN"):
        tr = QTranslator(app)
        if tr.load(name, path):
            app.installTranslator(tr)
            app._translators.append(tr)
    QLocale.setDefault(QLocale(QLocale.Chinese, QLocale.China))


def apply_palette(app) -> None:
    """Highlight colours that stay readable in every style (Fusion, Windows, windowsvista): dark blue behind,
    white text — the popup of a styled QComboBox otherwise drew its highlighted item white on white."""
    from .qt import QColor, QPalette
    pal = app.palette()
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        pal.setColor(group, QPalette.ColorRole.Highlight, QColor("#1a56a6"))
        pal.setColor(group, QPalette.ColorRole.HighlightedText, QColor("#ffffff"))
    app.setPalette(pal)


def install_combo_delegates(app) -> None:
    """Every QComboBox draws its popup with a QStyledItemDelegate, so the style sheet's item:selected colours
    apply: the default combo delegate under a style sheet painted the highlighted item white on white."""
    from .qt import QComboBox, QEvent, QObject, QStyledItemDelegate

    class _ComboPolish(QObject):
        def eventFilter(self, obj, event):
            if event.type() == QEvent.Type.Polish and isinstance(obj, QComboBox) \
                    and not isinstance(obj.itemDelegate(), QStyledItemDelegate):
                obj.setItemDelegate(QStyledItemDelegate(obj))
            return False

    if getattr(app, "_combo_polish", None) is None:
        app._combo_polish = _ComboPolish(app)
        app.installEventFilter(app._combo_polish)


def make_app(argv0: str = "xinfang-gui"):
    from .fonts import apply_app_font
    from .qt import QApplication
    app = QApplication.instance()
    if app is None:
        app = QApplication([argv0])
    app.setApplicationName("xinfang")
    app.setApplicationDisplayName("信访事项管理系统")
    apply_app_font(app)
    install_translations(app)
    apply_palette(app)
    app.setStyleSheet(STYLE)
    icon = app_icon()
    if icon is not None:
        app.setWindowIcon(icon)
    return app


def app_icon():
    """The program icon (resources/icons/xinfang.png, drawn by make_icon.py); None when it is missing."""
    from ..resources import resource_path
    from .qt import QIcon
    path = resource_path("icons", "xinfang.png")
    if not path.exists():
        log.warning("icon missing: %s", path)
        return None
    return QIcon(str(path))


def fill_demo(db_path: str, cases: int, parent=None) -> bool:
    """Generate demo cases into an empty database in a worker thread behind a progress dialog."""
    from ..services.demo import generate_demo
    from .qt import QMessageBox
    from .workers import run_with_progress, wait_for
    outcome: dict = {}

    def work(ws, ctx):
        def report(done, total=cases, *_):
            ctx.report(done, total, f"正在生成演示数据 {min(done, cases):,}/{cases:,} 件…" if done < cases
                       else "正在建立搜索索引…")
            return not ctx.cancelled     # False asks the generator to stop
        ctx.report(0, cases, f"正在生成 {cases:,} 件演示信访件…")
        # workers=1: never fork a process that runs Qt threads
        return generate_demo(ws, cases=cases, seed=1, progress=report, workers=1)

    task = run_with_progress(parent, "生成演示数据", work, db_path, label=f"正在生成 {cases:,} 件演示信访件…",
                             cancellable=True, show_after_ms=200,
                             on_done=lambda r: outcome.setdefault("ok", True),
                             on_failed=lambda m: outcome.setdefault("error", m))
    wait_for(task)
    if "error" in outcome:
        QMessageBox.warning(parent, "生成演示数据", outcome["error"])
        return False
    return True


def take_screenshot(window, path: Path, timeout: float = 20.0) -> None:
    from .qt import QApplication
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        QApplication.processEvents()
        if not window.case_list.model.loading and window.dashboard.data:
            break
        time.sleep(0.02)
    QApplication.processEvents()
    path.parent.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(path))


def main(argv: list[str] | None = None) -> int:
    """The outer boundary: a usage error or a failure before the window exists is told in Chinese
    (tracebacks go to the log file); inside the window ui/guard.py takes over."""
    from ..services.arguments import UsageError
    from ..services.errors import describe
    try:
        return _run(argv)
    except UsageError as exc:
        print(f"{exc.usage.rstrip()}\n错误：{exc.message}", file=sys.stderr)
        return 2
    except SystemExit as exc:       # --help
        return exc.code if isinstance(exc.code, int) else 0
    except KeyboardInterrupt:
        return 130
    except Exception as exc:   # noqa: BLE001 - the boundary
        print(f"错误：{describe(exc, 'gui start')[0]}", file=sys.stderr)
        return 2


def open_chosen(args, demo: bool):
    """The database to open: --db, the demo database, the remembered choice, or the start dialog
    (本机数据库 / 连接服务器, ui/connect_dialog.py). A server that refuses (password, address, a database
    with the wrong text rules …) brings the dialog back with the reason; a file that cannot be opened is
    told and the program ends, as before. Returns (ws, target, new database file), or the exit code: 0 when
    the person chose 退出, 2 when the database could not be opened."""
    from ..services import Workspace
    from ..services.errors import describe
    from ..services.server import is_server_url, use_password
    from .connect_dialog import Choice, ConnectDialog, remember, remembered
    from .main_window import _settings
    from .opening import open_in_background
    from .qt import QMessageBox
    settings = _settings()
    last = remembered(settings)
    if args.db:
        target = args.db if is_server_url(args.db) else str(Path(args.db).expanduser())
        choice, ask = Choice(target, None, args.read_only), False
    elif demo or args.screenshot:
        choice, ask = Choice(str(demo_db_path() if demo else default_db_path())), False
    elif last is not None and not last.server:
        choice, ask = last, False           # 本机数据库 as chosen before (文件 › 更换数据库 asks again)
    elif last is None and default_db_path().exists():
        choice, ask = Choice(str(default_db_path())), False     # a PC that used the program before this dialog
    else:
        choice, ask = last or Choice(str(default_db_path())), True    # first start, or a server: its password
    message, asked = "", ask
    while True:
        if ask:
            dialog = ConnectDialog(default_db_path(), choice, message)
            if dialog.exec() != ConnectDialog.DialogCode.Accepted:
                return 0
            choice, asked = dialog.choice, True
        new = not choice.server and not Path(choice.target).exists()
        try:
            ws = open_in_background(lambda c=choice: Workspace.open(
                c.target, sample=demo, read_only=True if c.read_only else None, password=c.password))
        except Exception as exc:   # noqa: BLE001 - any failure to open is told in Chinese (services.errors)
            text = exc.message if isinstance(exc, DomainError) else describe(exc, "gui open", choice.target)[0]
            where = "" if choice.target in text else f"（数据库：{choice.target}）"
            if args.screenshot:       # nobody to answer a dialog: say it and exit
                print(f"错误：{text}{where}", file=sys.stderr)
                return 2
            if choice.server:
                message, ask = text, True       # the dialog again, with the reason and the fields kept
                continue
            QMessageBox.critical(None, "无法打开数据库", text if not where else f"{text}\n\n数据库文件：{choice.target}")
            return 2
        break
    if choice.server:
        use_password(choice.password)       # the window's workers connect with it (memory only)
    if asked:
        remember(settings, choice)          # never the password (remember() writes the address only)
    return ws, choice.target, new


def _run(argv: list[str] | None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    log_path = setup_logging()
    if args.screenshot:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    t0 = time.perf_counter()
    app = make_app()
    install_excepthook(log_path)
    from ..services import Workspace
    from .main_window import MainWindow
    from .qt import QMessageBox, QTimer
    from .workers import wait_all

    demo = bool(args.demo)
    user = args.user or default_user()
    opened = open_chosen(args, demo)
    if isinstance(opened, int):
        return opened
    ws, db, new = opened

    try:
        from .login import FirstAdminDialog, LoginDialog
        from ..services.demo.accounts import add_demo_accounts, login_hint, sign_in_for_screenshot
        hint = login_hint() if is_demo(ws) else ""
        if ws.access.has_accounts() and args.screenshot:
            if is_demo(ws):
                sign_in_for_screenshot(ws)    # nobody to type a password: the demo clerk's view
        elif ws.access.has_accounts():
            if LoginDialog(ws, hint=hint).exec() != LoginDialog.DialogCode.Accepted:
                return 0          # 退出 at the login: nothing was opened
        if demo and ws.summary()["cases"] == 0:     # all cases, whatever this user may read
            ws.set_setting(DEMO_FLAG, True)
            ws.close()
            fill_demo(db, args.demo)
            ws = Workspace.open(db, sample=True)
            if not ws.access.has_accounts():
                add_demo_accounts(ws)     # one per role (README); the trainee logs in as any of them
                if args.screenshot:
                    sign_in_for_screenshot(ws)
                elif LoginDialog(ws, hint=login_hint()).exec() != LoginDialog.DialogCode.Accepted:
                    return 0
        if not demo and not args.screenshot:
            from .first_run import ask_office, offer_sample
            if new or not ws.store.unit_rows():
                offer_sample(ws, user)    # the 江城市城东区 sample as a template, only when the office says so
            if ws.store.unit_rows():
                ask_office(ws, user)      # 选择本单位, once per database (cancel: asked again next time)
            if not ws.access.has_accounts() and ws.summary()["cases"] == 0:
                FirstAdminDialog(ws).exec()   # a new office database: its administrator (暂不设置: no passwords)

        window = MainWindow(ws, user, db, auto_backup=not args.screenshot)
        icon = app_icon()
        if icon is not None:
            window.setWindowIcon(icon)
        size = args.size or ("1280x800" if args.screenshot else "")
        w, _, h = size.partition("x")
        window.tabs.setCurrentIndex(PAGES[args.page])
        if size:
            window.resize(int(w or 1280), int(h or 800))
            window.show()
        else:
            window.show_sized()
        if not args.screenshot:
            window.recover_draft()
        log.info("main window shown after %.2f s", time.perf_counter() - t0)
        if args.screenshot:
            def shoot():
                try:
                    take_screenshot(window, args.screenshot)
                    app.exit(0)
                except Exception:
                    log.exception("screenshot failed")
                    app.exit(1)
            QTimer.singleShot(50, shoot)
        rc = app.exec()
        window.close()
        wait_all()
        return rc
    finally:
        wait_all()
        ws.close()


if __name__ == "__main__":   # pragma: no cover
    sys.exit(main())

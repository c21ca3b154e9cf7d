"""The one place that imports PySide6: screens import Qt names from here."""
from PySide6.QtCore import (QAbstractTableModel, QDate, QDateTime, QEvent, QModelIndex, QObject, QPoint,  # noqa: F401
                            QRunnable, QSize, QSortFilterProxyModel, Qt, QThread, QThreadPool, QTime, QTimer,
                            Signal, Slot)
from PySide6.QtGui import (QAction, QBrush, QColor, QFont, QFontDatabase, QIcon, QKeySequence, QPalette,  # noqa: F401
                           QPixmap, QShortcut, QStandardItem, QStandardItemModel, QTextCursor)
from PySide6.QtWidgets import (QAbstractItemView, QApplication, QButtonGroup, QCheckBox, QComboBox,  # noqa: F401
                               QCompleter, QDateEdit, QDateTimeEdit, QDialog, QDialogButtonBox, QFileDialog,
                               QFormLayout, QFrame, QGridLayout, QGroupBox, QHBoxLayout, QHeaderView, QLabel,
                               QLineEdit, QListWidget, QListWidgetItem, QMainWindow, QMessageBox, QPlainTextEdit,
                               QProgressBar, QProgressDialog, QPushButton, QRadioButton, QScrollArea, QSizePolicy,
                               QSpinBox, QSplitter, QStackedWidget, QStatusBar, QStyle, QTableView, QTableWidget,
                               QTableWidgetItem, QTabWidget, QTextBrowser, QTextEdit, QToolBar, QToolButton,
                               QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget)
from PySide6.QtCore import QEventLoop, QRect, QRectF  # noqa: E402,F401  (main window, case list)
from PySide6.QtGui import QPainter, QPen  # noqa: E402,F401
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem  # noqa: E402,F401
from PySide6.QtCore import QUrl  # noqa: F401,E402
from PySide6.QtGui import QDesktopServices, QKeyEvent  # noqa: F401,E402
from PySide6.QtWidgets import QTabBar  # noqa: E402,F401
from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator  # noqa: E402,F401  (app: Chinese Qt dialogs)
from PySide6.QtWidgets import QDoubleSpinBox  # noqa: E402,F401  (积案 target rate)
from PySide6.QtSvgWidgets import QSvgWidget  # noqa: E402,F401  (报表 charts drawn by reportlab as SVG)
from PySide6.QtWidgets import QMenu  # noqa: E402,F401
from PySide6.QtCore import QByteArray  # noqa: E402,F401
from PySide6.QtCore import QProcess, QProcessEnvironment, QSettings  # noqa: E402,F401  (main window: demo window, remembered layout; connect_dialog)

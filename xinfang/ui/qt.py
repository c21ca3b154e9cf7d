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

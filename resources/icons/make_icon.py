"""Draw the program icon with Qt: a rounded red square with a white 信 in the bundled WenQuanYi Micro Hei.

Writes xinfang.png (256×256) and xinfang.ico (16–256 px, each size drawn separately and stored as PNG inside
the ICO, which Windows Vista and later read). Run from the repository root:

    QT_QPA_PLATFORM=offscreen python resources/icons/make_icon.py

The outputs are committed; the bundle ships them (the script itself is left out by build_installer.spec).
"""
from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt  # noqa: E402
from PySide6.QtGui import QColor, QFont, QFontDatabase, QGuiApplication, QImage, QPainter  # noqa: E402

HERE = Path(__file__).resolve().parent
FONT = HERE.parent / "fonts" / "wqy-microhei.ttc"
RED = QColor("#c62828")
RED_DARK = QColor("#a31515")
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)


def draw(size: int, family: str) -> QImage:
    img = QImage(size, size, QImage.Format_ARGB32)
    img.fill(Qt.transparent)
    p = QPainter(img)
    p.setRenderHint(QPainter.Antialiasing)
    p.setRenderHint(QPainter.TextAntialiasing)
    margin = max(0.5, size * 0.03)
    rect = QRectF(margin, margin, size - 2 * margin, size - 2 * margin)
    radius = size * 0.2
    p.setPen(Qt.NoPen)
    p.setBrush(RED_DARK)                         # a thin darker rim so the square reads on red task bars
    p.drawRoundedRect(rect, radius, radius)
    inner = rect.adjusted(size * 0.02, size * 0.02, -size * 0.02, -size * 0.02)
    p.setBrush(RED)
    p.drawRoundedRect(inner, radius * 0.9, radius * 0.9)
    font = QFont(family)
    font.setPixelSize(max(8, round(size * (0.74 if size >= 32 else 0.8))))
    font.setBold(size >= 32)
    p.setFont(font)
    p.setPen(QColor("#ffffff"))
    p.drawText(rect.adjusted(0, -size * 0.02, 0, 0), Qt.AlignCenter, "信")
    p.end()
    return img


def png_bytes(img: QImage) -> bytes:
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.WriteOnly)
    img.save(buf, "PNG")
    buf.close()
    return bytes(data)


def write_ico(path: Path, images: list[QImage]) -> None:
    """ICONDIR + one ICONDIRENTRY per size + the PNG data of each (PNG-compressed ICO)."""
    blobs = [png_bytes(img) for img in images]
    head = struct.pack("<HHH", 0, 1, len(images))
    offset = 6 + 16 * len(images)
    entries = b""
    for img, blob in zip(images, blobs):
        w, h = img.width(), img.height()
        entries += struct.pack("<BBBBHHII", w % 256, h % 256, 0, 0, 1, 32, len(blob), offset)
        offset += len(blob)
    path.write_bytes(head + entries + b"".join(blobs))


def main() -> int:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841  (fonts need an app)
    fid = QFontDatabase.addApplicationFont(str(FONT))
    families = QFontDatabase.applicationFontFamilies(fid) if fid >= 0 else []
    if not families:
        print(f"cannot load {FONT}", file=sys.stderr)
        return 1
    family = families[0]
    draw(256, family).save(str(HERE / "xinfang.png"), "PNG")
    write_ico(HERE / "xinfang.ico", [draw(s, family) for s in ICO_SIZES])
    print(f"wrote {HERE / 'xinfang.png'} and {HERE / 'xinfang.ico'} ({', '.join(map(str, ICO_SIZES))} px)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""CJK font registration for every PDF the program prints (architecture.md §4, tech-notes.md §2).

The bundled WenQuanYi Micro Hei (TrueType outlines, Apache-2.0) is always registered and serves every
role. Where the office PC has the official TrueType fonts (Windows ships 仿宋/黑体/楷体/宋体), they
take over their role so that printed forms get the familiar look. Only fonts with TrueType (``glyf``)
outlines are used: reportlab cannot embed CFF/PostScript outlines, and the non-embedded
``STSong-Light`` CID font prints blank on machines without a Chinese language pack — never use it.

Registration happens once per process (module-level cache); :func:`font_for` is cheap after that.
"""
from __future__ import annotations

import os
import struct
import sys
import threading
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from xinfang.resources import resource_path

ROLES = ("body", "title", "heading", "kai")

BUNDLED_NAME = "WQYMicroHei"
BUNDLED_FILE = ("fonts", "wqy-microhei.ttc")

# Official-looking fonts by role, best first: (reportlab name, file name). Searched in the font
# directories below; the first one that exists, has TrueType outlines and registers wins.
_CANDIDATES: dict[str, tuple[tuple[str, str], ...]] = {
    "body": (("FangSongGB2312", "仿宋_GB2312.ttf"), ("FangSongGB2312", "FS_GB2312.ttf"),
             ("SimFang", "simfang.ttf")),
    "title": (("FZXiaoBiaoSong", "FZXBSJW.TTF"), ("FZXiaoBiaoSong", "方正小标宋简体.ttf"),
              ("SimHei", "simhei.ttf")),
    "heading": (("SimHei", "simhei.ttf"),),
    "kai": (("KaiTiGB2312", "楷体_GB2312.ttf"), ("KaiTiGB2312", "KAI_GB2312.ttf"),
            ("SimKai", "simkai.ttf")),
}


def _system_font_dirs() -> list[Path]:
    if sys.platform.startswith("win"):
        windir = os.environ.get("WINDIR", r"C:\Windows")
        dirs = [Path(windir) / "Fonts"]
        local = os.environ.get("LOCALAPPDATA")
        if local:  # per-user installs (Windows 10 1809+)
            dirs.append(Path(local) / "Microsoft" / "Windows" / "Fonts")
        return dirs
    # Linux/macOS: nothing special is looked for; the bundled font is used.
    return []


def has_truetype_outlines(path: Path, subfont_index: int = 0) -> bool:
    """True when the font file (or face ``subfont_index`` of a .ttc) has a ``glyf`` table."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(12)
            offset = 0
            if head[:4] == b"ttcf":
                count = struct.unpack(">I", head[8:12])[0]
                if subfont_index >= count:
                    return False
                fh.seek(12 + 4 * subfont_index)
                offset = struct.unpack(">I", fh.read(4))[0]
                fh.seek(offset)
                head = fh.read(12)
            if head[:4] not in (b"\x00\x01\x00\x00", b"true"):
                return False  # 'OTTO' = CFF outlines
            num_tables = struct.unpack(">H", head[4:6])[0]
            fh.seek(offset + 12)
            directory = fh.read(16 * num_tables)
    except (OSError, struct.error):
        return False
    tags = {directory[i:i + 4] for i in range(0, len(directory), 16)}
    return b"glyf" in tags


_lock = threading.Lock()
_fonts: dict[str, str] = {}          # role -> registered reportlab font name
_sources: dict[str, str] = {}        # role -> file path (for diagnostics)
_auto: dict[str, str] = {}           # the automatic choice, restored when the administrator clears a file
_auto_sources: dict[str, str] = {}


def _register(name: str, path: Path) -> bool:
    if name in pdfmetrics.getRegisteredFontNames():
        return True
    if not has_truetype_outlines(path):
        return False
    try:
        pdfmetrics.registerFont(TTFont(name, str(path), subfontIndex=0))
    except Exception:  # noqa: BLE001 - TTFError, embedding not permitted, damaged file …
        return False
    return True


def register_fonts(*, system: bool = True) -> dict[str, str]:
    """Register the fonts once and return ``{role: font name}``.

    ``system=False`` (only honoured on the first call) uses the bundled font for every role.
    """
    with _lock:
        if _fonts:
            return dict(_fonts)
        bundled = resource_path(*BUNDLED_FILE)
        if not _register(BUNDLED_NAME, bundled):
            raise RuntimeError(f"无法加载打印字体：{bundled}")
        chosen = {role: BUNDLED_NAME for role in ROLES}
        sources = {role: str(bundled) for role in ROLES}
        if system and os.environ.get("XINFANG_PDF_BUNDLED_FONT_ONLY") != "1":
            dirs = _system_font_dirs()
            for role in ROLES:
                for name, filename in _CANDIDATES[role]:
                    path = next((d / filename for d in dirs if (d / filename).is_file()), None)
                    if path is not None and _register(name, path):
                        chosen[role], sources[role] = name, str(path)
                        break
        _sources.update(sources)
        _fonts.update(chosen)
        _auto.update(chosen)
        _auto_sources.update(sources)
        return dict(_fonts)


def font_for(role: str) -> str:
    """The reportlab font name for ``role``: "body" (仿宋-like), "title", "heading" (黑体-like), "kai"."""
    if role not in ROLES:
        raise ValueError(f"unknown font role {role!r}; expected one of {ROLES}")
    return (_fonts or register_fonts())[role]


def font_sources() -> dict[str, str]:
    """``{role: font file}`` actually used (registers the fonts if needed)."""
    register_fonts()
    return dict(_sources)


def check_font_file(path: str) -> str:
    """'' when the file can serve as a print font, else the reason in Chinese."""
    p = Path(path)
    if not p.is_file():
        return f"找不到字体文件“{path}”"
    if not has_truetype_outlines(p):
        return f"“{p.name}”不是 TrueType 字体（PDF 只能嵌入 TrueType 轮廓的 .ttf/.ttc 字体）"
    return ""


def use_font_files(files: dict[str, str]) -> dict[str, str]:
    """Let the administrator's font files (设置 → 打印字体) take over their roles; bad files are skipped.
    Returns {role: font name} after the change."""
    register_fonts()
    with _lock:
        for role in ROLES:
            path = (files or {}).get(role, "")
            _fonts[role], _sources[role] = _auto[role], _auto_sources[role]
            if not path or check_font_file(path):
                continue
            name = "User-" + role + "-" + "".join(ch for ch in Path(path).stem if ch.isalnum())[:24]
            if _register(name, Path(path)):
                _fonts[role], _sources[role] = name, str(path)
        return dict(_fonts)


# Characters with no glyph in the printing font (emoji pasted from phones, rare symbols) would print as
# nothing or as an empty box: they are replaced by a visible placeholder instead, never dropped silently.
EMOJI_PLACEHOLDER = "[表情]"
_JOINERS = {0x200D, 0xFE0E, 0xFE0F}          # zero-width joiner and variation selectors: part of one emoji


def _is_emoji(cp: int) -> bool:
    return (0x1F000 <= cp <= 0x1FAFF or 0x2600 <= cp <= 0x27BF or 0x2B00 <= cp <= 0x2BFF
            or 0x1F1E6 <= cp <= 0x1F1FF or 0xE0020 <= cp <= 0xE007F)


def printable(value: str, role: str = "body") -> str:
    """`value` with every character the role's font cannot draw replaced by a visible placeholder:
    [表情] for an emoji (one per emoji, joined sequences included), [U+XXXX] for anything else."""
    glyphs = pdfmetrics.getFont(font_for(role)).face.charToGlyph
    out: list[str] = []
    joined = False
    for ch in value:
        cp = ord(ch)
        if cp in _JOINERS and out and out[-1] == EMOJI_PLACEHOLDER:
            joined = cp == 0x200D
        elif cp in glyphs or ch in "\n\r\t":
            out.append(ch)
            joined = False
        elif cp in _JOINERS:
            joined = False
        elif _is_emoji(cp):
            if not (joined and out and out[-1] == EMOJI_PLACEHOLDER):
                out.append(EMOJI_PLACEHOLDER)
            joined = False
        else:
            out.append(f"[U+{cp:04X}]")
            joined = False
    return "".join(out)

"""Reading a text file a person chose (holiday CSV …): size limit, any usual encoding, Chinese errors."""
from __future__ import annotations

from pathlib import Path

from ..domain.problems import DomainError
from ..tabular import TableError, decode_text

MAX_TEXT_BYTES = 20_000_000


def read_text_file(path: str | Path) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, or GBK/GB18030 — as Excel, WPS and Notepad save."""
    p = Path(path)
    if p.is_dir():
        raise DomainError(f"“{p}”是文件夹，请选择一个文件。")
    with p.open("rb") as f:             # FileNotFoundError etc. → the front end's boundary says it in Chinese
        data = f.read(MAX_TEXT_BYTES + 1)
    if len(data) > MAX_TEXT_BYTES:
        raise DomainError(f"文件“{p.name}”过大，最多 {MAX_TEXT_BYTES // 1_000_000} MB。")
    try:
        return decode_text(data, p.name)
    except TableError as exc:
        raise DomainError(exc.message) from None

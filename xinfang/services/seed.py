"""Reference data for a new database: holidays, categories (and, when present, the demo directory)."""
from __future__ import annotations

import csv
from datetime import datetime

from ..calendar.workcalendar import WorkCalendar
from ..resources import resource_path


def read_csv(*parts: str) -> list[dict[str, str]]:
    path = resource_path(*parts)
    if not path.exists():
        return []
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return [{k.strip(): (v or "").strip() for k, v in row.items() if k} for row in csv.DictReader(fh)]


def default_categories() -> list[tuple[str, str, bool]]:
    rows = read_csv("rules", "categories.csv")
    return [(r["一级"], r.get("二级", ""), r.get("诉访分离", "") in ("是", "1", "true")) for r in rows if r.get("一级")]


def seed_reference(store, now: datetime, sample: bool = True) -> None:
    """Holidays 2004–2026 (national); with `sample`, the 江城市城东区 sample directory, categories and
    权责清单 (version 1) — a template an office may start from, never installed without being asked for."""
    store.upsert_holidays(WorkCalendar.default().rows(), "seed:chinese-calendar")
    if sample:
        install_sample(store, now)


def install_sample(store, now: datetime) -> None:
    from .routing import seed_directory
    if not store.unit_rows():
        seed_directory(store, now)
    if not store.categories():
        store.replace_categories(default_categories())

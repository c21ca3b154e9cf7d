"""Parse imported tables (rows from `xinfang.tabular.read_table`) into units, places, categories and
权责清单 rules.

Every parser returns (good values, problems). A problem names the sheet row and says what is wrong in
Chinese ("第7行：责任单位“某某局”不在单位目录中"). Nothing is dropped silently: the caller shows the
problems and imports nothing unless the user explicitly accepts the good rows.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Iterable, Mapping, Sequence

from xinfang.domain.rules import Rule
from xinfang.domain.units import (Directory, Unit, is_area_code, normalize_area, parse_kind,
                                  parse_level, LEVEL_NAMES, UnitKind)

Rows = Iterable[tuple[int, Mapping[str, str]]]

UNIT_COLUMNS = ("编码", "名称", "上级编码", "类型", "层级", "属地", "联系人", "电话")
RULE_COLUMNS = ("事项类别", "关键词", "属地", "责任单位", "优先级", "依据", "生效日期", "失效日期")
CATEGORY_COLUMNS = ("一级", "二级", "诉访分离")
PLACE_COLUMNS = ("区划代码", "名称")

MAX_PRIORITY = 1000       # the shipped list uses 0–10; a wider range only invites typing slips
_LIST_SPLIT = re.compile(r"[、,，;；\s]+")
_YES = {"是", "Y", "y", "yes", "YES", "Yes", "1", "true", "TRUE", "True", "√", "✓"}


@dataclass(frozen=True)
class ImportProblem:
    row: int
    column: str
    message: str

    @property
    def text(self) -> str:
        return f"第{self.row}行：{self.message}"

    def __str__(self) -> str:
        return self.text

    def to_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message, "text": self.text}


@dataclass(frozen=True)
class Category:
    first: str
    second: str = ""
    litigation: bool = False      # 诉访分离: belongs to litigation/arbitration/review procedures

    @property
    def name(self) -> str:
        return f"{self.first}/{self.second}" if self.second else self.first


def split_list(text: str) -> tuple[str, ...]:
    """"a、b,c，d" → ("a", "b", "c", "d"), blanks and duplicates dropped."""
    out: list[str] = []
    for part in _LIST_SPLIT.split(str(text or "")):
        p = part.strip()
        if p and p not in out:
            out.append(p)
    return tuple(out)


_DATE_PATTERNS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})(?: .*)?$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)


def parse_date(text: str) -> date | None:
    """"2024-01-31", "2024/1/31", "2024年1月31日", "20240131" → date; blank → None;
    anything else raises ValueError."""
    t = str(text or "").strip()
    if not t:
        return None
    for pat in _DATE_PATTERNS:
        m = pat.match(t)
        if m:
            y, mo, d = (int(g) for g in m.groups())
            return date(y, mo, d)   # raises ValueError for 2024-02-30
    raise ValueError(t)


def _missing_columns(rows: list, required: Sequence[str], label: str) -> list[ImportProblem]:
    if not rows:
        return []
    present = set()
    for _, r in rows:
        present.update(r.keys())
    return [ImportProblem(1, c, f"表头缺少“{c}”列（{label}需要此列）") for c in required if c not in present]


def _get(row: Mapping[str, str], *names: str) -> str:
    for n in names:
        v = row.get(n)
        if v is not None and str(v).strip():
            return str(v).strip()
    return ""


# --- categories and places -----------------------------------------------------------------------

def parse_categories(rows: Rows) -> tuple[list[Category], list[ImportProblem]]:
    """Columns 一级, 二级, 诉访分离 (是/否). A row with only 一级 declares the first level alone."""
    rows = list(rows)
    problems = _missing_columns(rows, ("一级",), "事项类别")
    if problems:
        return [], problems
    cats: list[Category] = []
    seen: dict[str, int] = {}
    for n, r in rows:
        first = _get(r, "一级").replace("/", "／")
        second = _get(r, "二级").replace("/", "／")
        if not first:
            problems.append(ImportProblem(n, "一级", "一级类别未填写"))
            continue
        c = Category(first, second, _get(r, "诉访分离") in _YES)
        if c.name in seen:
            problems.append(ImportProblem(n, "二级", f"类别“{c.name}”与第{seen[c.name]}行重复"))
            continue
        seen[c.name] = n
        cats.append(c)
    return cats, problems


def category_names(categories: Iterable[Category]) -> set[str]:
    """Every valid 事项类别 value: each "一级" and each "一级/二级"."""
    out: set[str] = set()
    for c in categories:
        out.add(c.first)
        out.add(c.name)
    return out


def litigation_categories(categories: Iterable[Category]) -> frozenset[str]:
    return frozenset(c.name for c in categories if c.litigation)


def parse_places(rows: Rows) -> tuple[dict[str, str], list[ImportProblem]]:
    """Columns 区划代码 (or 代码/编码) and 名称 → {name: normalised code}."""
    rows = list(rows)
    places: dict[str, str] = {}
    problems: list[ImportProblem] = []
    for n, r in rows:
        code = _get(r, "区划代码", "代码", "编码")
        name = _get(r, "名称")
        if not code or not is_area_code(code):
            problems.append(ImportProblem(n, "区划代码", f"区划代码“{code}”应为数字"))
            continue
        if not name:
            problems.append(ImportProblem(n, "名称", "名称未填写"))
            continue
        if name in places and places[name] != normalize_area(code):
            problems.append(ImportProblem(n, "名称", f"地名“{name}”重复且代码不同"))
            continue
        places[name] = normalize_area(code)
    return places, problems


# --- units ---------------------------------------------------------------------------------------

def parse_units(rows: Rows, places: Mapping[str, str] | None = None
                ) -> tuple[list[Unit], list[ImportProblem]]:
    """Columns 编码, 名称, 上级编码, 类型, 层级, 属地, 联系人, 电话.

    上级编码 may be a code or a name of another unit in the same table. 层级 accepts 1–7 or a name
    (国家/省/市/区县/街道乡镇/社区村/网格); blank means one below the parent. 属地 lists area codes or
    place names separated by 、 (names resolve through `places` and the other units' own 属地).
    """
    rows = list(rows)
    problems = _missing_columns(rows, ("编码", "名称"), "单位目录")
    if problems:
        return [], problems
    bad: set[int] = set()

    def prob(n: int, col: str, msg: str) -> None:
        problems.append(ImportProblem(n, col, msg))
        bad.add(n)

    by_code: dict[str, int] = {}
    by_name: dict[str, int] = {}
    raw: dict[int, Mapping[str, str]] = {}
    for n, r in rows:
        raw[n] = r
        code, name = _get(r, "编码"), _get(r, "名称")
        if not code:
            prob(n, "编码", "编码未填写")
        elif code in by_code:
            prob(n, "编码", f"编码“{code}”与第{by_code[code]}行重复")
        else:
            by_code[code] = n
        if not name:
            prob(n, "名称", "名称未填写")
        elif name in by_name:
            prob(n, "名称", f"名称“{name}”与第{by_name[name]}行重复，请使用能区分的名称")
        else:
            by_name[name] = n

    def row_of(ref: str) -> int | None:
        return by_code.get(ref) if ref in by_code else by_name.get(ref)

    # parents
    parent_row: dict[int, int] = {}
    for n, r in rows:
        pref = _get(r, "上级编码", "上级单位")
        if not pref:
            continue
        pn = row_of(pref)
        if pn is None:
            prob(n, "上级编码", f"上级单位“{pref}”不在本表中")
        elif pn == n:
            prob(n, "上级编码", "上级单位不能是本单位")
        else:
            parent_row[n] = pn
    # cycles
    for n in list(parent_row):
        seen = {n}
        p = parent_row.get(n)
        while p is not None:
            if p in seen:
                prob(n, "上级编码", "上级关系形成循环，请检查上级编码")
                break
            seen.add(p)
            p = parent_row.get(p)

    # kinds and levels (levels may depend on the parent's)
    kinds: dict[int, UnitKind] = {}
    levels: dict[int, int] = {}
    for n, r in rows:
        kt = _get(r, "类型")
        k = parse_kind(kt) if kt else UnitKind.OTHER
        if k is None:
            prob(n, "类型", f"类型“{kt}”无法识别，应为" + "、".join(x.value for x in UnitKind))
        else:
            kinds[n] = k

    def level_of(n: int, depth: int = 0) -> int | None:
        if n in levels:
            return levels[n]
        lt = _get(raw[n], "层级")
        if lt:
            lv = parse_level(lt)
        elif n in parent_row and depth < 50:
            pl = level_of(parent_row[n], depth + 1)
            lv = min(pl + 1, 7) if pl is not None else None
        else:
            lv = None
        if lv is not None:
            levels[n] = lv
        return lv

    for n, r in rows:
        lt = _get(r, "层级")
        lv = level_of(n)
        if lv is None:
            if lt:
                prob(n, "层级", f"层级“{lt}”无法识别，应为1–7或" + "、".join(LEVEL_NAMES.values()))
            else:
                prob(n, "层级", "层级未填写")
    for n, pn in parent_row.items():
        if n in levels and pn in levels and levels[n] < levels[pn]:
            prob(n, "层级", f"层级“{LEVEL_NAMES[levels[n]]}”高于上级单位的层级“{LEVEL_NAMES[levels[pn]]}”")

    # areas: codes directly; names through `places` and other units' single-code areas
    names: dict[str, str] = {k: normalize_area(v) for k, v in (places or {}).items() if is_area_code(v)}
    for n, r in rows:
        codes = [a for a in split_list(_get(r, "属地")) if is_area_code(a)]
        name = _get(r, "名称")
        if len(codes) == 1 and name:
            names.setdefault(name, normalize_area(codes[0]))
            for suf in ("办事处", "居民委员会", "村民委员会", "居委会", "村委会", "人民政府"):
                if name.endswith(suf) and len(name) > len(suf) + 1:
                    names.setdefault(name[: -len(suf)], normalize_area(codes[0]))
    areas: dict[int, tuple[str, ...]] = {}
    for n, r in rows:
        out: list[str] = []
        for a in split_list(_get(r, "属地")):
            if is_area_code(a):
                out.append(normalize_area(a))
            elif a in names:
                out.append(names[a])
            else:
                prob(n, "属地", f"属地“{a}”无法识别为区划代码或已知地名")
        areas[n] = tuple(dict.fromkeys(out))

    # a row whose parent row is bad cannot be imported either
    changed = True
    while changed:
        changed = False
        for n, pn in parent_row.items():
            if pn in bad and n not in bad:
                prob(n, "上级编码", f"上级单位（第{pn}行）有错误，本行不能单独导入")
                changed = True

    units: list[Unit] = []
    for n, r in rows:
        if n in bad:
            continue
        pn = parent_row.get(n)
        units.append(Unit(
            code=_get(r, "编码"), name=_get(r, "名称"),
            parent=_get(raw[pn], "编码") if pn is not None else "",
            kind=kinds[n], level=levels[n], areas=areas[n],
            contact=_get(r, "联系人"), phone=_get(r, "电话", "联系电话"),
        ))
    problems.sort(key=lambda p: p.row)
    return units, problems


# --- rules ---------------------------------------------------------------------------------------

def parse_rules(rows: Rows, directory: Directory, categories: Iterable[str] | None
                ) -> tuple[list[Rule], list[ImportProblem]]:
    """Columns 事项类别, 关键词, 属地, 责任单位, 优先级, 依据 and optionally 生效日期, 失效日期.

    `categories` holds the valid 事项类别 values ("一级" and "一级/二级", see `category_names`);
    None skips that check. Each bad row (unknown category or unit, unrecognised area, bad priority
    or date) gives one problem per fault and is left out of the returned rules.
    """
    rows = list(rows)
    problems = _missing_columns(rows, ("责任单位",), "权责清单")
    if problems:
        return [], problems
    valid_cats = None if categories is None else {_norm_cat(c) for c in categories}
    rules: list[Rule] = []
    for n, r in rows:
        mine: list[ImportProblem] = []
        cat = _norm_cat(_get(r, "事项类别"))
        if cat and valid_cats is not None and cat not in valid_cats:
            mine.append(ImportProblem(n, "事项类别", f"事项类别“{cat}”不在类别字典中"))
        keywords = split_list(_get(r, "关键词"))
        area_text = _get(r, "属地")
        area = ""
        if area_text:
            area = directory.resolve_area(area_text, fuzzy=False)
            if not area:
                mine.append(ImportProblem(n, "属地", f"属地“{area_text}”无法识别为区划代码或已知地名"))
        unit_text = _get(r, "责任单位")
        unit = directory.find(unit_text) if unit_text else None
        if not unit_text:
            mine.append(ImportProblem(n, "责任单位", "责任单位未填写"))
        elif unit is None:
            mine.append(ImportProblem(n, "责任单位", f"责任单位“{unit_text}”不在单位目录中"))
        pr_text = _get(r, "优先级")
        priority = 0
        if pr_text:
            try:
                f = float(pr_text)
                if not f.is_integer():
                    raise ValueError
                priority = int(f)
            except (ValueError, OverflowError):
                mine.append(ImportProblem(n, "优先级", f"优先级“{pr_text[:40]}”应为整数"))
            else:
                if not -MAX_PRIORITY <= priority <= MAX_PRIORITY:
                    mine.append(ImportProblem(n, "优先级", f"优先级 {pr_text[:40]} 超出范围（-{MAX_PRIORITY}–{MAX_PRIORITY}）"))
        dates: dict[str, date | None] = {}
        for col in ("生效日期", "失效日期"):
            t = _get(r, col)
            try:
                dates[col] = parse_date(t)
            except ValueError:
                dates[col] = None
                mine.append(ImportProblem(n, col, f"{col}“{t}”不是有效日期，应写成 2024-01-31"))
        vf, vt = dates["生效日期"], dates["失效日期"]
        if vf and vt and vt < vf:
            mine.append(ImportProblem(n, "失效日期", f"失效日期 {vt.isoformat()} 早于生效日期 {vf.isoformat()}"))
        if mine:
            problems.extend(mine)
            continue
        rules.append(Rule(row=n, category=cat, keywords=keywords, area=area, unit=unit.code,
                          priority=priority, basis=_get(r, "依据"), valid_from=vf, valid_to=vt))
    return rules, problems


def _norm_cat(c: str) -> str:
    c = str(c or "").strip().replace("／", "/").replace("\\", "/")
    if "/" in c:
        a, _, b = c.partition("/")
        a, b = a.strip(), b.strip()
        return f"{a}/{b}" if b else a
    return c

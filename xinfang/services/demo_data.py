"""清除演示数据 (`ws.demo_data`, issue 11 §3): remove exactly the cases the demo generator made from a database
that got them before demo data had a database of its own — administrator only, after a backup, recorded in the
ledger.

What the generator made is told by who registered it: every demo case is registered by one of the generator's
six fictitious clerks (`demo.CLERKS`), accounts it creates without a password. A login of that list that has a
password (a real 张明华 whose login happens to be zhangmh) is a real person: the cases registered by it are left
alone and the preview says so. A demo case that real records refer to (a repeat link from a real case, a 积案
record, an issued notice, a dispute, an attachment) is kept and listed with the reason; every other demo case
goes, with its events, petitioners, clocks and repeat links, and so do the clerks' accounts once nothing refers
to them. Each run of the generator is a `demo_load` record (生成); a 清除 appends its event there (for loads
made before records were kept, a record is made at the purge), and every removed event leaves its hash in
`purged_events`, so `check` still verifies the whole ledger and any anchor written down before
(storage/purge.py)."""
from __future__ import annotations

import hashlib
import uuid as uuidlib

from ..domain.permissions import ADMIN, permission
from ..domain.problems import DomainError
from ..storage import ledger, purge
from .demo.pools import CLERKS
from .progress import Progress, silent

PURGE = permission("demo.purge", "清除演示数据", ADMIN)


def ranges(ids: list[int]) -> list[list[int]]:
    """Sorted ids as [first, last] runs (how a purge event names thousands of cases in a few numbers)."""
    out: list[list[int]] = []
    for i in ids:
        if out and out[-1][1] == i - 1:
            out[-1][1] = i
        else:
            out.append([i, i])
    return out


def describe(plan: dict) -> str:
    """The plan in the office's words (the CLI's listing and the GUI's confirmation)."""
    lines = []
    if plan["cases"]:
        lines.append(f"演示数据生成的信访件 {plan['cases']:,} 件（编号 {plan['first_number']} 至 {plan['last_number']}），"
                     "连同其办理记录、信访人和期限")
        if plan["acted_on"]:
            lines.append(f"其中 {plan['acted_on']:,} 件在生成后又有用户办理过（演示案件，一并清除）")
    else:
        lines.append("没有可清除的演示数据")
    if plan["clerks"]:
        lines.append("演示登记员账户：" + "、".join(plan["clerks"]) + "（没有其他记录引用时一并删除）")
    for kept in plan["kept"][:20]:
        lines.append(f"保留 {kept['number']}：{'；'.join(kept['reasons'])}")
    if len(plan["kept"]) > 20:
        lines.append(f"……共保留 {len(plan['kept'])} 件")
    if plan["real_logins"]:
        lines.append("登录名 " + "、".join(plan["real_logins"]) + " 设有密码或姓名不同，是真实用户，其登记的案件不清除")
    return "\n".join(lines)


class DemoData:
    def __init__(self, ws):
        self.ws = ws

    @property
    def conn(self):
        return self.ws.store.conn

    def clerk_logins(self) -> tuple[list[str], list[str]]:
        """(the generator's clerk logins present as its accounts, those that are real: a password, another name)."""
        rows = purge.clerk_rows(self.conn, [login for login, _ in CLERKS])
        demo, real = [], []
        for login, name in CLERKS:
            if login in rows:
                shown, has_password = rows[login]
                (real if has_password or shown != name else demo).append(login)
        return demo, real

    def find(self) -> dict:
        """What 清除演示数据 would remove and keep, without changing anything:
        {"cases", "first_number", "last_number", "kept": [{"number", "reasons"}], "acted_on", "clerks",
        "real_logins", "loads"}."""
        self.ws.access.require(PURGE)
        return self._plan()[0]

    def _plan(self) -> tuple[dict, list[int], list[str]]:
        demo, real = self.clerk_logins()
        ids = purge.cases_registered_by(self.conn, demo)
        refs = purge.referenced(self.conn, ids) if ids else {}
        gone = [i for i in ids if i not in refs]
        rows = purge.numbers(self.conn, gone) if gone else []
        kept_rows = purge.numbers(self.conn, sorted(refs)) if refs else []
        plan = {
            "cases": len(gone),
            "first_number": rows[0][1] if rows else "",
            "last_number": rows[-1][1] if rows else "",
            "kept": [{"number": number, "reasons": refs[cid]} for cid, number, _ in kept_rows],
            "acted_on": purge.acted_on_by_others(self.conn, gone, demo) if gone else 0,
            "clerks": demo,
            "real_logins": real,
            "loads": [{"uuid": u, "seed": seed, "first_case_id": a, "last_case_id": b, "cases": n,
                       "created_at": at, "purged_at": p} for u, seed, a, b, n, at, p in purge.loads(self.conn)],
        }
        return plan, gone, demo

    def purge(self, actor: str, backup: bool = True, progress: Progress = silent) -> dict:
        """Back the database up (a copy in the backups folder, kind 清除演示数据前), then remove the demo cases in one
        transaction recorded in the ledger. Returns the plan with "removed" (counts and the accounts removed),
        "backup" (the copy's file; None for an in-memory database) and "anchor_before"/"anchor_after"."""
        ws = self.ws
        ws.access.require(PURGE)
        if ws.read_only:
            raise DomainError("数据库以只读方式打开，不能清除演示数据")
        plan, gone, demo = self._plan()
        if not gone:
            raise DomainError("本数据库中没有可清除的演示数据" + (
                f"（{len(plan['kept'])} 件演示案件被正式数据引用，已保留）" if plan["kept"] else ""))
        progress(0, 3, "正在备份…")
        copy = None
        if backup and str(ws.store.path) != ":memory:":
            copy = ws.backups.create(kind="prepurge")["file"]
        progress(1, 3, "正在清除演示数据…")
        anchor_before = ws.anchor()
        who = ws.access.actor(actor)
        now = ws.now()
        digest = hashlib.sha256("\n".join(u for _, _, u in purge.numbers(self.conn, gone)).encode()).hexdigest()
        with ws.store.transaction():
            load = self._record_for(gone, now)
            removed = purge.remove_cases(self.conn, gone, load, demo)
            ledger.append(self.conn, "demo_load", load, "purge", now, now, who, {
                "cases": removed["cases"], "case_ids": ranges(gone), "uuids_sha256": digest,
                "first_number": plan["first_number"], "last_number": plan["last_number"],
                "events": removed["events"], "tombstones": removed["tombstones"], "accounts": removed["logins"],
                "kept": [k["number"] for k in plan["kept"]], "backup": str(copy or ""),
                "anchor_before": anchor_before})
            purge.mark_purged(self.conn, now.isoformat())
        progress(3, 3, "完成")
        return dict(plan, removed=removed, backup=copy, anchor_before=anchor_before, anchor_after=ws.anchor())

    def _record_for(self, gone: list[int], now) -> str:
        """The demo_loads record the purge is written to: the newest recorded load not yet purged, or one made now
        for cases loaded before loads were recorded (its 识别 event says how they were found)."""
        open_loads = [row[0] for row in purge.loads(self.conn) if row[6] is None]
        if open_loads:
            return open_loads[-1]
        key = str(uuidlib.uuid4())
        purge.insert_load(self.conn, key, None, gone[0], gone[-1], len(gone), now.isoformat())
        ledger.append(self.conn, "demo_load", key, "found", now, now, "system",
                      {"cases": len(gone), "note": "演示数据生成于有生成记录之前，清除时按演示登记员识别"})
        return key


def record_load(conn, seed: int, first_id: int, last_id: int, created_at, actor: str) -> str:
    """The generator's record of one run (生成): which case ids it wrote, with which seed (in the caller's
    transaction)."""
    key = str(uuidlib.uuid4())
    stamp = created_at.isoformat()
    purge.insert_load(conn, key, seed, first_id, last_id, last_id - first_id + 1, stamp)
    ledger.append(conn, "demo_load", key, "load", stamp, stamp, actor,
                  {"seed": seed, "first_case_id": first_id, "last_case_id": last_id})
    return key

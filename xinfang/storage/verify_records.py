"""`check`'s comparison of the rows of disputes, the small 积案 kinds and the accounts' password hashes with
what their events say (storage/record_projection.py): a field changed in such a row alone, or a password hash
replaced in the file, is reported in Chinese. Called once from services/integrity.py."""
from __future__ import annotations

import json
import sqlite3

from .record_projection import SHAPES, columns, mismatches, password_digest, states

LABELS = {
    "dispute": {
        "uuid": "标识", "number": "案号", "committee": "调解委员会", "year": "年度", "seq": "序号",
        "received_at": "收到时间", "registered_at": "登记时间", "registered_by": "登记人", "source": "纠纷来源",
        "referred_by": "移送单位", "referral_no": "移送编号", "referral_date": "移送日期", "type": "纠纷类型",
        "kind": "调解类别", "risk": "风险等级", "risk_reasons": "风险原因", "headcount": "人数",
        "amount_cents": "涉及金额", "grid_worker": "网格员", "grid": "网格", "recorder": "记录人",
        "mediator_names": "调解员姓名", "party_names": "当事人姓名", "summary": "纠纷简要情况", "requests": "申请事项",
        "petition": "关联信访件", "status": "状态", "accepted_on": "受理日期", "sessions": "调解次数",
        "last_session_on": "最近调解日期", "extended": "延期", "mediation_days": "调解期限",
        "extension_days": "延长天数", "followup_days": "回访期限", "outcome_on": "调解结果日期",
        "agreement_form": "协议形式", "agreement_cents": "协议金额", "effective_on": "协议生效日期",
        "performance_due": "履行期限", "performance": "履行情况", "performed_on": "履行日期",
        "confirm_applied_on": "申请司法确认日期", "confirm_late": "逾期申请司法确认", "confirm_result": "司法确认结果",
        "followups": "回访次数", "followed_up_on": "回访日期", "archived_on": "归档日期", "next_due": "下一到期日",
        "next_step": "下一环节", "parties": "当事人", "mediators": "调解员", "documents": "卷宗材料"},
    "backlog_batch": {"name": "名称", "issuer": "交办机关", "issued_on": "交办日期", "target_on": "目标日期",
                      "target_rate": "目标化解率", "note": "备注", "closed_on": "关闭日期", "created_at": "创建时间",
                      "created_by": "创建人"},
    "leader": {"name": "姓名", "post": "职务", "login": "登录名", "active": "启用状态", "created_at": "添加时间"},
    "reception": {"uuid": "标识", "day": "接访日期", "leader": "接访领导", "place": "接访地点", "units": "参加单位",
                  "note": "备注", "created_at": "创建时间", "created_by": "创建人"},
    "backlog_dismissal": {"uuid": "标识", "case_id": "信访件", "reason": "理由", "dismissed_at": "决定时间",
                          "dismissed_by": "决定人", "last_event": "当时的最新事件", "repeat_links": "当时的重复件数"},
}
KIND_LABELS = {"dispute": "人民调解纠纷", "backlog_batch": "交办批次", "leader": "包案领导", "reception": "公开接访日",
               "backlog_dismissal": "不列为积案记录"}


def _name(conn: sqlite3.Connection, kind_name: str, key: str, state: dict) -> str:
    """How a record is named in a finding: by what the office sees (案号, name, day, the case's number)."""
    if kind_name == "backlog_dismissal":
        number = conn.execute("SELECT number FROM cases WHERE id = ?", (state.get("case_id"),)).fetchone()
        return f"{KIND_LABELS[kind_name]}（信访件 {number[0] if number else '不存在'}）"
    shown = {"dispute": state.get("number"), "reception": state.get("day")}.get(kind_name) or key
    return f"{KIND_LABELS[kind_name]} {shown}"


def record_problems(conn: sqlite3.Connection, records: dict[str, list[str]] | None = None,
                    limit: int = 100) -> list[str]:
    """Each record of SHAPES' kinds whose rows differ from the fold of its events. With `records` (an anchored
    check: kind -> keys touched after the anchor) only those disputes; the small kinds are few and always
    compared whole."""
    out: list[str] = []
    for kind_name in SHAPES:
        keys = None if records is None or kind_name != "dispute" else set(records.get(kind_name, ()))
        if keys is not None and not keys:
            continue
        defaults = dict(columns(conn, SHAPES[kind_name].table))
        for key, events, state in states(conn, kind_name, keys):
            if events is None or state is None:
                continue                                # no events, or no row: the chain check reports it
            wrong = mismatches(events, state, defaults)
            if wrong:
                labels = LABELS[kind_name]
                out.append(f"{_name(conn, kind_name, key, state)}：{'、'.join(labels.get(w, w) for w in wrong)}"
                           "与事件记录不符（被绕过程序直接改动）")
                if len(out) >= limit:
                    return out
    return out


def password_problems(conn: sqlite3.Connection) -> list[str]:
    """Accounts whose stored password hash is not the one their newest password event names (replaced in the
    file, e.g. by a hash of a password the forger knows)."""
    stated: dict[str, str] = {}
    for record, payload in conn.execute("SELECT record, payload FROM record_events WHERE kind = 'user' "
                                        "AND instr(payload, '\"password\"') > 0 ORDER BY record, seq"):
        try:
            data = json.loads(payload)
        except ValueError:
            continue
        if isinstance(data, dict) and isinstance(data.get("password"), str):
            stated[record] = data["password"]
    out = []
    for login, password_hash in conn.execute("SELECT a.login, a.password_hash FROM accounts a "
                                             "JOIN users u ON u.login = a.login ORDER BY a.login"):
        if stated.get(login, password_digest("")) != password_digest(password_hash):
            out.append(f"用户 {login}：密码与事件记录不符（密码哈希被绕过程序替换）")
    return out


def problems(conn: sqlite3.Connection, records: dict[str, list[str]] | None = None) -> list[str]:
    """Every finding of this module; `records`: kind -> keys touched after an anchor (None: all). Every
    account's password is compared in either case (they are few, and a replaced hash opens the program)."""
    return record_problems(conn, records) + password_problems(conn)

"""ws.backlog: taking a case on, refusals that write nothing, the chain check, 积案候选, 公开接访."""
from datetime import date, datetime

import pytest

from xinfang.domain.problems import DomainError
from xinfang.services.intake import draft_from_dict

from tests.helpers import case_json, make_workspace, register, tamper


@pytest.fixture
def env():
    ws, clock = make_workspace(datetime(2026, 1, 5, 9))
    case = register(ws, received_at="2026-01-05 08:30")
    clock.set(datetime(2026, 2, 1, 9))
    ws.backlog.add_leader("甲", "区委常委", "admin", login="jia")
    ws.backlog.add_leader("乙", "副区长", "admin")
    batch = ws.backlog.add_batch("第一批", "市信访联席办", "2026-01-01", "2026-06-30", "admin")
    yield ws, clock, case, batch
    ws.close()


def counts(ws):
    return tuple(ws.store.one(f"SELECT count(*) FROM {t}") for t in (
        "backlog_records", "record_events", "ledger", "backlog_batches", "leaders", "receptions", "backlog_dismissals"))


def test_take_on_defaults_and_one_open_record_per_case(env):
    ws, clock, case, batch = env
    r = ws.backlog.take_on(case.number, batch["id"], "上级交办", "clerk", leader="甲", unit="420102-RSJ", plan="约谈")
    assert (r["case"], r["status"], r["due"], r["taken_on"], r["batch_name"]) == (
        case.number, "未化解", "2026-06-30", "2026-02-01", "第一批")     # due defaults to the batch's target date
    assert r["unit_name"] and r["leader_post"] == "区委常委" and r["allowed_actions"] == [
        "progress", "plan", "resolve", "reassign"]
    with pytest.raises(DomainError, match="已列为积案"):
        ws.backlog.take_on(case.id, batch["id"], "本级排查", "clerk")
    # after 化解 and 销号 the case may come back in a later batch
    ws.backlog.act(r["id"], "resolve", "甲", data={"way": "解释疏导"})
    ws.backlog.act(r["id"], "delist", "甲", data={"approver": "王书记"})
    later = ws.backlog.add_batch("第二批", "区委", "2026-02-01", "2026-12-31", "admin")
    again = ws.backlog.take_on(case.id, later["id"], "本级排查", "clerk")
    assert again["id"] != r["id"] and [x["id"] for x in ws.backlog.records_of_case(case.id)] == [r["id"], again["id"]]


@pytest.mark.parametrize("kwargs,message", [
    (dict(case_key="2099-信-000001"), "找不到案件"),
    (dict(batch="第九批"), "找不到交办批次"),
    (dict(leader="丁"), "不在领导名单中"),
    (dict(unit="火星局"), "不在单位目录中"),
    (dict(source="领导批示"), "上级交办 或 本级排查"),
    (dict(at="2026-01-04"), "早于案件收到日期"),
    (dict(at="2026-03-01"), "晚于现在"),
    (dict(due="2026-01-31"), "化解时限（2026-01-31）早于列入日期"),
    (dict(due="2026-13-01"), "不是有效日期"),
])
def test_take_on_refusals_write_nothing(env, kwargs, message):
    ws, clock, case, batch = env
    args = dict(case_key=case.id, batch=batch["id"], source="上级交办", actor="clerk")
    args.update(kwargs)
    before = counts(ws)
    with pytest.raises(DomainError, match=message):
        ws.backlog.take_on(**args)
    assert counts(ws) == before


def test_before_the_batch_was_issued_and_a_closed_batch(env):
    ws, clock, case, batch = env
    late = ws.backlog.add_batch("第三批", "区委", "2026-01-20", "2026-06-30", "admin")
    with pytest.raises(DomainError, match="早于交办批次的交办日期"):
        ws.backlog.take_on(case.id, late["id"], "上级交办", "clerk", at="2026-01-10")
    ws.backlog.close_batch(late["id"], "admin")
    with pytest.raises(DomainError, match="已关闭"):
        ws.backlog.take_on(case.id, late["id"], "上级交办", "clerk")


def test_batch_refusals(env):
    ws, *_ = env
    with pytest.raises(DomainError, match="已存在"):
        ws.backlog.add_batch("第一批", "区委", "2026-01-01", "2026-06-30", "admin")
    with pytest.raises(DomainError, match="早于交办日期"):
        ws.backlog.add_batch("倒挂", "区委", "2026-06-01", "2026-01-01", "admin")
    with pytest.raises(DomainError, match="0 至 100%"):
        ws.backlog.add_batch("超百", "区委", "2026-01-01", "2026-06-30", "admin", target_rate="150%")
    assert ws.backlog.add_batch("八五", "区委", "2026-01-01", "2026-06-30", "admin", target_rate=85)["target_rate"] == 0.85
    assert ws.backlog.add_batch("默认", "区委", "2026-01-01", "2026-06-30", "admin")["target_rate"] == 0.9
    with pytest.raises(DomainError, match="已在名单中"):
        ws.backlog.add_leader("甲", "x", "admin")


def test_refused_actions_change_nothing(env):
    ws, clock, case, batch = env
    r = ws.backlog.take_on(case.id, batch["id"], "上级交办", "clerk", leader="甲")
    before = (counts(ws), ws.backlog.db.record(r["id"]))
    for action, data, message in [("delist", {"approver": "王"}, "只有已化解或已结案的积案才能销号"),
                                  ("close", {}, "只有已化解的积案才能结案"),
                                  ("resolve", {"way": "不存在的方式"}, "不在列表中"),
                                  ("finish", {}, "未知的积案操作")]:
        with pytest.raises(DomainError, match=message):
            ws.backlog.act(r["id"], action, "甲", data=data)
    with pytest.raises(DomainError, match="早于该积案上一次记录"):
        ws.backlog.act(r["id"], "progress", "甲", at="2026-01-20", data={"text": "倒填"})
    with pytest.raises(DomainError, match="找不到积案"):
        ws.backlog.act(999, "progress", "甲", data={"text": "x"})
    assert (counts(ws), ws.backlog.db.record(r["id"])) == before


def test_a_whole_campaign_with_its_log(env):
    ws, clock, case, batch = env
    r = ws.backlog.take_on(case.id, batch["id"], "上级交办", "clerk", leader="甲")
    steps = [("progress", {"text": "约谈信访人"}), ("plan", {"text": "申请司法救助"}),
             ("reassign", {"leader": "乙", "reason": "分工调整"}), ("resolve", {"way": "司法救助", "note": "已发放"}),
             ("reopen", {"reason": "又到市里上访"}), ("resolve", {"way": "解释疏导"}), ("close", {}),
             ("delist", {"approver": "王书记"})]
    for i, (action, data) in enumerate(steps):
        clock.set(datetime(2026, 2, 2 + i, 10))
        r = ws.backlog.act(r["id"], action, "甲", data=data)
    assert [e["action"] for e in r["events"]] == ["take"] + [a for a, _ in steps]
    assert [e["label"] for e in r["events"]][-3:] == ["化解", "结案", "销号"]
    assert (r["status"], r["leader"], r["plan"], r["way"], r["delisted"], r["approver"], r["allowed_actions"]) == (
        "已结案", "乙", "申请司法救助", "解释疏导", True, "王书记", [])
    assert r["resolved_on"] == "2026-02-07" and r["delisted_on"] == "2026-02-09"
    assert ws.check()["ok"] and ws.check()["backlog"]["records"] == 1


def test_check_finds_a_changed_event_and_a_changed_projection(env):
    ws, clock, case, batch = env
    r = ws.backlog.take_on(case.id, batch["id"], "上级交办", "clerk", leader="甲")
    ws.backlog.act(r["id"], "resolve", "甲", data={"way": "其他"})
    assert ws.check()["ok"]
    ws.store.conn.execute("UPDATE backlog_records SET status = '未化解' WHERE id = ?", (r["id"],))
    bad = ws.check()
    assert not bad["ok"] and bad["backlog"]["projection_mismatch"] == [r["id"]]
    ws.store.conn.execute("UPDATE backlog_records SET status = '已化解' WHERE id = ?", (r["id"],))
    assert ws.check()["ok"]
    # the narrow copy the numbers are counted from must say what the events say
    ws.store.conn.execute("UPDATE backlog_moves SET day = '2026-01-01' WHERE record_id = ? AND action = 'resolve'",
                          (r["id"],))
    bad = ws.check()
    assert not bad["ok"] and bad["backlog"]["moves_mismatch"] == [r["id"]]
    assert any("backlog_moves" in p for p in bad["problems"])
    ws.store.conn.execute("DELETE FROM backlog_moves WHERE record_id = ? AND action = 'resolve'", (r["id"],))
    assert ws.check()["backlog"]["moves_mismatch"] == [r["id"]]
    ws.store.conn.execute("INSERT INTO backlog_moves(record_id, seq, action, day) SELECT ?, seq, action, substr(at, 1, 10) "
                          "FROM record_events WHERE kind = 'backlog' AND action = 'resolve'", (r["id"],))
    assert ws.check()["ok"]
    tamper(ws, "UPDATE record_events SET payload = replace(payload, '其他', '依法解决') "
               "WHERE kind = 'backlog' AND action = 'resolve'")
    bad = ws.check()
    assert not bad["ok"] and any("积案" in p for p in bad["problems"])


def test_events_cannot_be_changed_or_removed(env):
    ws, clock, case, batch = env
    ws.backlog.take_on(case.id, batch["id"], "上级交办", "clerk")
    for sql in ("UPDATE record_events SET actor = 'x' WHERE kind = 'backlog'",
                "DELETE FROM record_events WHERE kind = 'backlog'"):
        with pytest.raises(Exception, match="只能追加"):
            ws.store.conn.execute(sql)


def test_settings_and_ways(env):
    ws, *_ = env
    assert ws.backlog.settings()["backlog_open_days"] == 180
    assert ws.backlog.configure("backlog_open_days", "365", "admin") == 365
    with pytest.raises(DomainError, match="应在 30 至 3650 之间"):
        ws.backlog.configure("backlog_open_days", "5", "admin")
    with pytest.raises(DomainError, match="不能设置"):
        ws.backlog.configure("colour", "red", "admin")
    assert ws.backlog.configure("backlog_ways", "依法解决、救助,其他", "admin") == ["依法解决", "救助", "其他"]
    with pytest.raises(DomainError, match="不能为空"):
        ws.backlog.set_ways([" "], "admin")


def test_workbench_puts_a_leaders_overdue_items_first(env):
    ws, clock, case, batch = env
    other = register(ws, name="李四", id_number="", phone="13900000001", summary="小区噪声扰民问题多次反映",
                     received_at="2026-01-06 09:00")
    ws.backlog.take_on(case.id, batch["id"], "上级交办", "clerk", leader="甲", due="2026-05-01")
    ws.backlog.take_on(other.id, batch["id"], "上级交办", "clerk", leader="甲", due="2026-02-10")
    wb = ws.backlog.workbench("jia", today=date(2026, 2, 20))
    assert wb["leader"] == "甲" and [r["case"] for r in wb["mine"]] == [other.number, case.number]
    assert [r["due_state"] for r in wb["mine"]] == ["逾期", "未到期"]
    assert wb["counts"]["未化解"] == 2 and wb["counts"]["逾期"] == 1
    assert ws.backlog.workbench("clerk", today=date(2026, 2, 20))["mine"] == []
    assert ws.backlog.workbench("乙")["leader"] == "乙"       # no login given: the same name is the leader


# ---- 积案候选: both sides of every threshold -------------------------------------------------------------

def _cands(ws, today):
    return {c["case"]: c for c in ws.backlog.candidates(today=today)["items"]}


def test_open_longer_than_n_days():
    ws, clock = make_workspace(datetime(2026, 6, 30, 9))
    old = register(ws, name="甲一", id_number="", phone="13800000001", summary="房屋漏水物业不修",
                   received_at="2025-12-31 09:00")          # 181 days before 06-30
    edge = register(ws, name="乙二", id_number="", phone="13800000002", summary="学校收费不合理问题",
                    received_at="2026-01-01 09:00")         # 180 days: not longer than 180
    found = _cands(ws, date(2026, 6, 30))
    assert old.number in found and edge.number not in found
    assert found[old.number]["rules"] == ["open_days"] and "181 天" in found[old.number]["reasons"][0]
    ws.backlog.configure("backlog_open_days", "179", "admin")
    assert edge.number in _cands(ws, date(2026, 6, 30))


def test_long_open_limit_keeps_the_oldest_across_states():
    """With a limit of L per rule, the L oldest open cases are proposed whatever state each is in (the
    query reads one range per open state and merges them)."""
    ws, clock = make_workspace(datetime(2026, 6, 30, 9))
    cases = [register(ws, name=f"甲{i}", id_number="", phone=f"1380000001{i}", summary=f"第{i}件互不相同的诉求{i * 13}",
                      received_at=f"2025-0{i + 1}-10 09:00") for i in range(4)]           # 01-10, 02-10, 03-10, 04-10
    ws.store.conn.execute("UPDATE cases SET status = 'handling' WHERE uuid IN (?, ?)", (cases[1].id, cases[3].id))
    ws.backlog.configure("backlog_candidate_limit", "10", "admin")
    assert [c["case"] for c in ws.backlog.candidates(today=date(2026, 6, 30))["items"]] == [c.number for c in cases]
    # a limit of 3 (the setting's floor is 10, so the rule's query is asked directly): the 3 oldest are
    # 01-10 (registered), 02-10 (handling), 03-10 (registered); 04-10 (handling) is left out
    assert ws.backlog.db.long_open_cases(date(2026, 1, 1), 3) == [(ws.row_of(c.id),) for c in cases[:3]]
    assert ws.backlog.db.long_open_cases(date(2025, 3, 10), 3) == [(ws.row_of(c.id),) for c in cases[:2]]   # before 03-10


def test_same_person_same_matter_k_times_in_the_window():
    ws, clock = make_workspace(datetime(2026, 6, 30, 9))
    first = dict(name="王五", id_number="11010519491231002X", phone="13812345678")
    register(ws, **first, received_at="2025-07-01 09:00")                        # 364 days before: inside
    second = register(ws, **first, summary="某建筑公司拖欠农民工工资至今未付", received_at="2026-03-01 09:00")
    found = _cands(ws, date(2026, 6, 30))
    assert second.number not in found or "repeat" not in found[second.number]["rules"]     # 2 < 3
    third = register(ws, **first, summary="建筑公司拖欠农民工工资一直不给", received_at="2026-06-01 09:00")
    assert set(ws.case(third.id).repeat_ids) >= {second.id}
    found = _cands(ws, date(2026, 6, 30))
    assert "repeat" in found[third.number]["rules"] and "3 次" in found[third.number]["reasons"][0]
    assert second.number not in found or "repeat" not in found[second.number]["rules"]    # only the newest
    # one day later the first petition (2025-07-01) falls out of the 365-day window: 2 < 3
    found = _cands(ws, date(2026, 7, 1))
    assert third.number not in found or "repeat" not in found[third.number]["rules"]


def test_closed_after_recheck_and_petitioned_again():
    ws, clock = make_workspace()
    case = register(ws)
    plan = [("forward", {"unit": "420102-RSJ"}), ("accept", {}), ("reply", {"outcome": "不予支持"}),
            ("serve", {"served_on": "2025-10-07"}), ("review-request", {"body": "区人民政府"}),
            ("review-decision", {"outcome": "维持", "served_on": "2025-10-11"}), ("recheck-request", {}),
            ("recheck-decision", {"outcome": "维持"}), ("close", {"reason": "复核意见已送达"})]
    for i, (action, data) in enumerate(plan):
        at = clock.set(datetime(2025, 10, 1 + 2 * i, 9))
        ws.act(case.id, action, "clerk", at, data)
    clock.set(datetime(2025, 12, 1, 10))
    found = _cands(ws, date(2025, 12, 1))
    assert case.number not in found                                  # closed, not petitioned again yet
    again = ws.register(draft_from_dict(case_json(summary="建筑公司拖欠农民工工资至今未付",
                                                  received_at="2025-12-01 09:00")), "clerk").case
    found = _cands(ws, date(2025, 12, 1))
    assert "after_recheck" in found[again.number]["rules"]


def test_dismissed_until_something_new_happens_and_listed_cases_are_not_proposed():
    ws, clock = make_workspace(datetime(2026, 6, 30, 9))
    old = register(ws, name="甲一", id_number="", phone="13800000001", summary="房屋漏水物业不修",
                   received_at="2025-06-01 09:00")
    other = register(ws, name="乙二", id_number="", phone="13800000002", summary="学校收费不合理问题",
                     received_at="2025-06-02 09:00")
    with pytest.raises(DomainError, match="请填写不列为积案的理由"):
        ws.backlog.dismiss_candidate(old.id, " ", "clerk")
    ws.backlog.dismiss_candidate(old.id, "已在诉讼程序中", "clerk")
    result = ws.backlog.candidates(today=date(2026, 6, 30))
    assert old.number not in {c["case"] for c in result["items"]} and result["dismissed_hidden"] == 1
    ws.act(old.id, "forward", "clerk", datetime(2026, 6, 30, 9), {"unit": "420102-RSJ"})    # something new
    found = _cands(ws, date(2026, 6, 30))
    assert found[old.number]["dismissed_before"] == "已在诉讼程序中"
    ws.backlog.add_leader("甲", "区长", "admin")
    b = ws.backlog.add_batch("排查", "本级", "2026-06-01", "2026-12-31", "admin")
    ws.backlog.take_on(other.id, b["id"], "本级排查", "clerk")
    assert other.number not in _cands(ws, date(2026, 6, 30))


def test_public_reception_day_lists_its_cases():
    ws, clock = make_workspace(datetime(2026, 3, 10, 9))
    ws.backlog.add_leader("甲", "区长", "admin")
    at_reception = register(ws, name="赵六", id_number="", phone="13800000009", summary="拆迁补偿款未到位",
                            received_at="2026-03-10 09:00", public_reception=True, reception_leader="甲")
    register(ws, name="钱七", id_number="", phone="13800000010", summary="路灯不亮多次反映",
             received_at="2026-03-10 10:00")                      # same day, not at the reception
    register(ws, name="孙八", id_number="", phone="13800000011", summary="噪声扰民",
             received_at="2026-03-09 10:00", public_reception=True)  # a reception case of another day
    rec = ws.backlog.add_reception("2026-03-10", "甲", "区信访局接待大厅", "admin", units="区住建局、区人社局")
    assert rec["case_count"] == 1 and [c["case"] for c in rec["cases"]] == [at_reception.number]
    assert [r["id"] for r in ws.backlog.receptions()] == [rec["id"]]
    with pytest.raises(DomainError, match="不在领导名单中"):
        ws.backlog.add_reception("2026-03-10", "丁", "大厅", "admin")
    with pytest.raises(DomainError, match="请填写接访地点"):
        ws.backlog.add_reception("2026-03-10", "甲", "", "admin")

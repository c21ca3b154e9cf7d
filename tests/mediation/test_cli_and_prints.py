"""The CLI contract (`committee`, `mediator`, `dispute`, `case act … refer-mediation`) and every printout
checked the way a person would: fonts embedded (pdffonts), the words there (pdftotext)."""
from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from tests.helpers import case_json
from xinfang.cli.main import main

from .conftest import dispute_json

pytestmark = pytest.mark.usefixtures("require_poppler")


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def cli(tmp_path, capsys):
    db = str(tmp_path / "c.db")

    def call(*args, ok=True):
        code, out, err = run(capsys, *args, "--db", db, "--json", "--now", "2026-12-01 10:00")
        assert (code == 0) == ok, err
        return json.loads(out) if ok else json.loads(err)
    assert run(capsys, "init", "--sample", "--db", db)[0] == 0     # the sample district's units and places
    call("committee", "add", "樱园社区人民调解委员会", "--unit", "420102001001", "--prefix", "樱园")
    call("mediator", "add", "王调解", "--committee", "樱园社区人民调解委员会")
    return call, tmp_path


def pdf_text(path):
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def fonts_embedded(path):
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = out.splitlines()[2:]
    return rows and all(r.split()[-5] == "yes" for r in rows) and not any("Type 3" in r for r in rows)


def test_cli_round_trip(cli):
    call, tmp = cli
    (tmp / "d.json").write_text(json.dumps(dispute_json(), ensure_ascii=False), encoding="utf-8")
    d = call("dispute", "add", str(tmp / "d.json"))
    assert d["number"] == "（2026）樱园人调字第1号" and d["status"] == "registered" and d["petition"] is None
    for key in ("id", "number", "status", "events", "petition", "missing_documents", "deadlines"):
        assert key in d
    steps = [("accept", "2026-09-02", {}),
             ("session", "2026-09-03", {"place": "调解室", "participants": ["张三", "李四"], "record": "双方陈述"}),
             ("succeed", "2026-09-04", {"form": "书面", "terms": "赔偿3000元", "amount": 3000,
                                        "performance": {"manner": "转账", "place": "调解室", "due": "2026-09-10"}}),
             ("perform", "2026-09-10", {"status": "按期履行"}), ("confirm-apply", "2026-09-15", {"court": "城东区人民法院"}),
             ("confirm-result", "2026-09-25", {"result": "确认有效", "number": "（2026）鄂0102民特5号"}),
             ("followup", "2026-09-26", {"satisfaction": "满意", "note": "已履行", "visited": "张三"})]
    for action, day, data in steps:
        d = call("dispute", "act", "1", action, "--at", day, "--by", "wang", "--data", json.dumps(data, ensure_ascii=False))
    assert {x["step"] for x in d["deadlines"]} == {"mediate", "judicial_confirmation", "performance", "followup"}
    assert all(set(x) >= {"step", "due", "state", "explain"} for x in d["deadlines"])
    err = call("dispute", "act", "1", "archive", ok=False)
    assert "卷宗材料不全" in err["error"]
    err = call("dispute", "act", "1", "accept", ok=False)
    assert "不能“受理”" in err["error"]
    listed = call("dispute", "list", "--committee", "樱园社区人民调解委员会", "--mediator", "王调解", "--type", "邻里")
    assert listed["total"] == 1 and listed["items"][0]["number"] == d["number"]
    assert call("dispute", "list", "--status", "mediating")["total"] == 0
    s = call("dispute", "stats", "--from", "2026-09-01", "--to", "2026-09-30", "--committee", "樱园社区人民调解委员会")
    assert (s["accepted"], s["succeeded"], s["amount"], s["confirmed"], s["performed"]) == (1, 1, 3000.0, 1, 1)
    assert s["success_rate"] == {"numerator": 1, "denominator": 1, "value": 1.0}
    assert set(s["prevented"]) == {"criminal", "group_petition"}

    texts = {}
    for kind in ("申请书", "受理登记表", "告知书", "调解记录", "协议书", "回访记录", "司法确认申请书", "卷宗封面"):
        out = tmp / f"{kind}.pdf"
        call("dispute", "print", "1", kind, "--out", str(out))
        assert fonts_embedded(out), kind
        texts[kind] = pdf_text(out)
    assert "人民调解申请书" in texts["申请书"] and "楼上漏水" in texts["申请书"]
    assert "■当事人申请" in texts["受理登记表"] and "110105********002X" in texts["受理登记表"]
    assert "人民调解员" in texts["告知书"] and "三十日内" in texts["告知书"]
    assert "双方陈述" in texts["调解记录"] and "调解室" in texts["调解记录"]
    agreement = texts["协议书"]
    # two parties + the committee = 3 copies, each its own page, each numbered
    for i in (1, 2, 3):
        assert f"第 {i} 份 共 3 份" in agreement
    assert agreement.count("\f") == 3 and "11010519491231002X" in agreement and "赔偿3000元" in agreement
    assert "满意" in texts["回访记录"] and "张三" in texts["回访记录"]
    assert "城东区人民法院" in texts["司法确认申请书"] and "11010519491231002X" in texts["司法确认申请书"]
    assert "卷内材料目录" in texts["卷宗封面"] and "当事人身份证明" in texts["卷宗封面"]
    d = call("dispute", "show", "1")
    assert d["missing_documents"] == ["当事人身份证明"]
    rewards = tmp / "rw.pdf"
    data = call("mediator", "rewards", "--from", "2026-09-01", "--to", "2026-09-30", "--out", str(rewards))
    assert data["total"] == 100.0 and fonts_embedded(rewards)
    assert "以奖代补" in pdf_text(rewards) and "王调解" in pdf_text(rewards)
    assert call("check")["ok"] is True
    err = call("dispute", "print", "1", "判决书", "--out", str(tmp / "x.pdf"), ok=False)
    assert "可打印" in err["error"]


def test_case_refer_mediation_contract(cli):
    call, tmp = cli
    (tmp / "c.json").write_text(json.dumps(case_json(received_at="2026-09-01 09:00"), ensure_ascii=False), "utf-8")
    case = call("case", "add", str(tmp / "c.json"))
    out = call("case", "act", case["id"], "refer-mediation", "--at", "2026-09-02", "--data",
               json.dumps({"committee": "樱园社区人民调解委员会", "mediators": ["王调解"], "type": "劳动争议",
                           "respondent": "某建筑公司", "respondent_kind": "单位"}, ensure_ascii=False))
    assert out["dispute"]["petition"]["number"] == case["number"]
    assert out["disputes"][0]["number"] == out["dispute"]["number"]
    listed = call("dispute", "list", "--petition", case["number"])
    assert listed["total"] == 1
    err = call("case", "act", case["id"], "refer-mediation", "--data", "{\"committee\": \"无此调委会\"}", ok=False)
    assert "已转人民调解" in err["error"]


def test_an_agent_prints_with_the_phone_masked_unless_asked(env, tmp_path):
    ws, _ = env
    parties = dispute_json()["parties"]
    parties[0]["agent"] = "赵律师 13700001111"
    row = ws.mediation.register(dispute_json(parties=parties), "clerk")["row"]
    masked, plain = tmp_path / "m.pdf", tmp_path / "p.pdf"
    masked.write_bytes(ws.mediation.print_pdf(row, "申请书", "wang"))
    plain.write_bytes(ws.mediation.print_pdf(row, "申请书", "wang", mask=False))
    assert "代理人：赵律师 137****1111" in pdf_text(masked) and "13700001111" not in pdf_text(masked)
    assert "代理人：赵律师 13700001111" in pdf_text(plain)

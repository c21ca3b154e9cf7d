"""`xinfang self-test`: proves an installed or bundled program works end to end."""
from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from .intake import draft_from_dict
from .workspace import Workspace

SAMPLE = {
    "channel": "来访", "received_at": "2025-09-26 09:30", "purpose": "申诉求决",
    "category": "劳动和社会保障/拖欠工资", "summary": "自检：某公司拖欠工资",
    "content": "自检用案件，验证登记、期限、办理和打印。", "demands": "要求支付工资",
    "petitioners": [{"name": "自检", "id_number": "11010519491231002X", "phone": "13812345678"}],
}


def self_test(tmp: Path) -> dict:
    steps: list[tuple[str, bool]] = []
    clock = [datetime(2025, 9, 26, 10, 0)]
    ws = Workspace.open(":memory:", now=lambda: clock[0])
    try:
        reg = ws.register(draft_from_dict(SAMPLE), "self-test")
        steps.append(("内存数据库登记", reg.case.number.endswith("000001")))
        clock[0] += timedelta(hours=1)
        ws.act(reg.case.id, "accept", "self-test", clock[0])
        case = ws.case(reg.case.id)
        handle = next(d for d in ws.deadlines(case) if d.step.value == "handle")
        steps.append(("受理并计算办理期限", str(handle.due) == "2025-11-25"))
        pdf = ws.sheet_pdf(case.id, "self-test")
        out = tmp / "self-test.pdf"
        out.write_bytes(pdf)
        steps.append(("打印一页 PDF", pdf.startswith(b"%PDF") and b"FontFile2" in pdf))
        steps.append(("事件链完好", ws.check()["ok"]))
    except Exception as exc:   # the self-test reports, never crashes
        steps.append((f"异常：{type(exc).__name__}: {exc}", False))
    finally:
        ws.close()
    return {"ok": all(ok for _, ok in steps), "steps": steps}

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import random  # noqa: E402
from datetime import datetime, timedelta  # noqa: E402

import pytest  # noqa: E402

from xinfang.domain.enums import Channel  # noqa: E402
from xinfang.services import Workspace  # noqa: E402
from xinfang.services.intake import draft_from_dict  # noqa: E402

from tests.ui_teardown import close_windows_then  # noqa: E402

NOW = datetime(2026, 11, 20, 10, 0)
ACTOR = "zhangmh"     # one of the demo generator's clerks; the fallback below registers as them too
CASES = 2000
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂"
TOPICS = ("拖欠工资三个月未发", "小区物业乱收费", "征地补偿款未到位", "噪音扰民夜间施工", "房屋漏水开发商不维修",
          "社保缴费年限认定", "学校周边交通拥堵", "垃圾清运不及时", "违章搭建影响采光", "退休待遇核算有误")


def clock():
    return NOW


def populate(ws: Workspace, n: int, seed: int = 1) -> None:
    """n cases through the services: varied channels, categories, dates, statuses (forward/accept) and clerks."""
    try:
        from xinfang.services.demo import generate_demo
    except ImportError:
        generate_demo = None
    if generate_demo is not None:
        try:
            generate_demo(ws, cases=n, seed=seed)
            if ws.count() >= n:
                return
        except Exception:   # the demo generator is someone else's work in progress: fall back below
            pass
    rnd = random.Random(seed)
    cats = [c[0] for c in ws.categories() if "/" in c[0]]
    units = [u["code"] for u in ws.units_list()][:20] if hasattr(ws, "units_list") else []
    for i in range(n):
        rec = NOW - timedelta(days=rnd.randint(0, 120), hours=rnd.randint(0, 8))
        name = rnd.choice(SURNAMES) + rnd.choice(GIVEN) + (rnd.choice(GIVEN) if rnd.random() < .6 else "")
        topic = rnd.choice(TOPICS)
        d = {"channel": rnd.choice([c.value for c in Channel]), "received_at": rec.strftime("%Y-%m-%d %H:%M"),
             "purpose": "申诉求决", "category": rnd.choice(cats), "summary": topic,
             "content": "信访人反映" + topic + "，请求有关部门依法处理。", "demands": "要求依法处理",
             "petitioners": [{"name": name, "phone": "138%08d" % rnd.randint(0, 10**8 - 1)}]}
        actor = ACTOR if i % 3 else "liwj"
        case = ws.register(draft_from_dict(d), actor).case
        r = rnd.random()
        at = min(rec + timedelta(days=rnd.randint(1, 10)), NOW)
        if r < .3 and units:
            ws.act(case.id, "forward", actor, at, {"unit": rnd.choice(units)})
        elif r < .6:
            ws.act(case.id, "accept", actor, at, {"unit": rnd.choice(units)} if units else {})


@pytest.fixture(scope="session")
def db_path(tmp_path_factory):
    """A database file with a few thousand cases, built once per test session."""
    path = tmp_path_factory.mktemp("ui") / "cases.db"
    ws = Workspace.open(path, now=clock)
    try:
        populate(ws, CASES)
    finally:
        ws.close()
    return str(path)


@pytest.fixture
def actor():
    return ACTOR


@pytest.fixture
def ws(db_path):
    w = Workspace.open(db_path, now=clock)
    yield w
    close_windows_then(w)


@pytest.fixture
def scratch_ws():
    """An in-memory workspace with a few cases, for tests that change settings."""
    w = Workspace.open(":memory:", now=clock)
    populate(w, 30, seed=7)
    yield w
    close_windows_then(w)


@pytest.fixture(autouse=True)
def _finish_workers():
    yield
    from xinfang.ui.workers import wait_all
    wait_all()


@pytest.fixture
def cjk_font(qapp):
    """The bundled CJK font as the application font (what the app does at start-up)."""
    from xinfang.ui.fonts import apply_app_font
    apply_app_font(qapp)

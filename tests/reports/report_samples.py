"""A realistic case built by hand from the frozen domain values (no storage involved), and helpers
that read a PDF the way a person would (poppler-utils)."""
from __future__ import annotations

import shutil
import subprocess
from datetime import date, datetime
from pathlib import Path


from xinfang.domain.enums import (Channel, DueState, PartyKind, PetitionerRole, Purpose, Status,
                                  Step)
from xinfang.domain.model import Attachment, Case, CaseDraft, Deadline, Petitioner

FULL_ID = "350102196803021234"
FULL_PHONE = "13812345678"
NAME = "林秀珍"
OTHER_NAMES = ("陈国栋", "旗汛口小区业主委员会")
OTHER_IDS = ("350102197511056617",)
OTHER_PHONES = ("13959101234", "059187654321")
ORG_CODE = "91350102MA2XYZ1234"
ADDRESS = "福州市鼓楼区东街街道旗汛口社区三坊路18号2座301室"
ADDRESS_FRAGMENTS = ("三坊路18号2座301室", "三坊路18号3座502室", "物业楼1层")

CONTENT_PARAGRAPH = (
    "2025年9月起，位于鼓楼区东街街道旗汛口社区的某小区地下车库改建为商铺，施工期间每日夜间作业至凌晨，"
    "噪音严重影响周边住户休息；改建后商铺油烟直排，排风口正对3号楼居民窗户。信访人曾多次拨打12345热线反映，"
    "物业公司和施工单位均表示手续齐全，但未出示规划许可和环评材料。"
)


def make_case(*, restricted: bool = False, content: str = CONTENT_PARAGRAPH,
              purpose: Purpose = Purpose.COMPLAINT, single: bool = False,
              work_order_no: str = "") -> Case:
    """A 来访 case: by default two representatives and an owners' committee; ``single=True``
    keeps only 林秀珍."""
    person = Petitioner(name=NAME, kind=PartyKind.PERSON, id_number=FULL_ID, phone=FULL_PHONE,
                        address=ADDRESS, role=PetitionerRole.REPRESENTATIVE, sex="女",
                        birth=date(1968, 3, 2))
    second = Petitioner(name="陈国栋", id_number="350102197511056617", phone="13959101234",
                        address="福州市鼓楼区东街街道旗汛口社区三坊路18号3座502室",
                        role=PetitionerRole.REPRESENTATIVE, sex="男", birth=date(1975, 11, 5))
    committee = Petitioner(name="旗汛口小区业主委员会", kind=PartyKind.ORGANISATION,
                           id_number=ORG_CODE, phone="059187654321",
                           address="福州市鼓楼区三坊路18号物业楼1层", role=PetitionerRole.PETITIONER)
    draft = CaseDraft(
        channel=Channel.VISIT,
        received_at=datetime(2026, 3, 5, 9, 12),
        purpose=purpose,
        category="城乡建设/违法建设",
        summary="反映小区地下车库违规改建商铺，夜间施工扰民、油烟直排问题",
        content=content,
        demands="请求责令停止违规改建，恢复车库原有用途，并对噪音和油烟污染依法处理。",
        place="鼓楼区东街街道旗汛口社区",
        place_code="350102001002",
        petitioners=(person,) if single else (person, second, committee),
        headcount=1 if single else 6,
        work_order_no=work_order_no,
        reception_leader="王建华（区信访局局长）",
        public_reception=True,
        accused_unit="某某物业管理有限公司",
    )
    return Case(
        id="6f1c2a4e-8d53-4c1b-9b7e-2a7d5f0c9e11",
        row=123,
        number="2026-信-000123",
        office="350102",
        draft=draft,
        status=Status.HANDLING,
        registered_at=datetime(2026, 3, 5, 9, 30),
        handling_unit="350102-ZJ",
        handling_unit_name="鼓楼区住房和城乡建设局",
        disposition="转送",
        restricted=restricted or purpose == Purpose.ACCUSATION,
        repeat_of="uuid-4567",
        repeat_ids=("uuid-4567", "uuid-5120"), repeat_numbers=("2025-信-004567", "2025-信-005120"),
        no_longer_accept_candidate=False,
        attachments=(Attachment("信访信.pdf", "ab" * 32, 120_000),
                     Attachment("现场照片.jpg", "cd" * 32, 820_000)),
    )


def make_deadlines() -> list[Deadline]:
    return [
        Deadline(Step.DISPOSE, date(2026, 3, 20), DueState.DONE_ON_TIME.value,
                 ("收到之日起15日",), running=False, stopped_on=date(2026, 3, 9)),
        Deadline(Step.NOTICE, date(2026, 3, 24), DueState.NEAR.value, ("转送之日起15日",),
                 running=True),
        Deadline(Step.HANDLE, date(2026, 5, 23), DueState.NORMAL.value, ("受理之日起60日",),
                 running=True),
    ]


PRINTED_AT = datetime(2026, 3, 9, 15, 40)


def pdftotext(pdf: bytes, tmp_path: Path, name: str = "doc") -> str:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True,
                         capture_output=True)
    return out.stdout.decode("utf-8")


def pdffonts(pdf: bytes, tmp_path: Path, name: str = "doc") -> str:
    """The pdffonts listing; a missing poppler-utils fails the test (CI installs it)."""
    assert shutil.which("pdffonts"), "pdffonts (poppler-utils) is not installed: run .ci/setup"
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdffonts", str(path)], check=True, capture_output=True,
                          text=True).stdout


def flat(s: str) -> str:
    """pdftotext output without white space (CJK lines may be broken anywhere)."""
    return "".join(s.split())



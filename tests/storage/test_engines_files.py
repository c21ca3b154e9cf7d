"""Attached files on both engines (issue 12): SQLite keeps them in the `<db>-files` folder; a server keeps
their bytes in the database, written in the action's transaction, and opens them through a checked copy."""
from __future__ import annotations

import hashlib
from datetime import datetime

import pytest

from tests.helpers import Clock, case_json, make_workspace, register
from tests.mediation.conftest import COMMITTEE_A, dispute_json
from tests.pg_server import ENGINES
from xinfang.domain.problems import DomainError, StaleRecord
from xinfang.services import Workspace
from xinfang.services.intake import draft_from_dict


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    """Opened copies go to this user's cache folder (here a temporary one)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


@pytest.fixture
def office(request, tmp_path):
    """A workspace on a SQLite file (its folder beside it) or on a new server database."""
    clock = Clock(datetime(2025, 9, 30, 10))
    if request.param == "sqlite":
        ws = Workspace.open(tmp_path / "office.db", now=clock)
    else:
        from tests.pg_server import engine_target
        ws, clock = make_workspace(datetime(2025, 9, 30, 10), target=engine_target(request))
    yield ws, clock
    ws.close()


def contents(ws) -> list[tuple[str, int]]:
    return [(r[0], r[1]) for r in ws.store.q("SELECT sha256, size FROM file_contents ORDER BY sha256")]


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize("office", ENGINES, indirect=True)
def test_case_attachments_keep_their_bytes_and_names(office, tmp_path):
    ws, clock = office
    letter = tmp_path / "来信.pdf"
    letter.write_bytes(b"%PDF-1.4 letter")
    case = ws.register(draft_from_dict(case_json(attachments=[str(letter)])), "clerk").case
    (att,) = case.attachments
    assert (att.filename, att.sha256, att.size) == ("来信.pdf", sha(b"%PDF-1.4 letter"), 15)
    assert att.stored_path.replace("\\", "/") == f"attachments/{case.id}/来信.pdf"
    # a second file of the same name never replaces the first; the same bytes twice are kept once on a server
    letter.write_bytes(b"%PDF-1.4 second letter")
    clock.advance(hours=1)
    ws.add_attachments(case.id, [str(letter)], "clerk")
    clock.advance(hours=1)
    case = ws.add_attachments(case.id, [str(letter)], "clerk")
    first, second, third = case.attachments
    assert [a.stored_path.replace("\\", "/").rsplit("/", 1)[1] for a in case.attachments] == \
        ["来信.pdf", "来信(2).pdf", "来信(3).pdf"]
    assert ws.attachment_path(first).read_bytes() == b"%PDF-1.4 letter"
    assert ws.attachment_path(second).read_bytes() == ws.attachment_path(third).read_bytes() == b"%PDF-1.4 second letter"
    if ws.store.dialect.server:
        assert contents(ws) == sorted([(sha(b"%PDF-1.4 letter"), 15), (sha(b"%PDF-1.4 second letter"), 22)])
        opened = ws.attachment_path(first)
        assert ws.data_dir is None and opened.name == "来信.pdf"
        assert opened.is_relative_to(tmp_path / "cache") and (tmp_path / "cache" / "xinfang" / "opened").stat().st_mode & 0o077 == 0
    else:
        assert contents(ws) == []                   # SQLite: the folder, as before
        assert (ws.data_dir / second.stored_path).read_bytes() == b"%PDF-1.4 second letter"


@pytest.mark.parametrize("office", ENGINES, indirect=True)
def test_a_refused_action_keeps_no_file_content(office, tmp_path):
    ws, _ = office
    case = register(ws)
    photo = tmp_path / "现场.jpg"
    photo.write_bytes(b"jpeg bytes")
    with pytest.raises(DomainError, match="不存在或不是文件"):       # the second file is missing: nothing kept
        ws.add_attachments(case.id, [str(photo), str(tmp_path / "nope.pdf")], "clerk")
    old = ws.case(case.id).version
    ws.restrict(case.id, "涉及检举", version=old)
    with pytest.raises(StaleRecord):
        ws.add_attachments(case.id, [str(photo)], "clerk", version=old)
    assert ws.case(case.id).attachments == ()
    assert contents(ws) == []


def test_a_changed_content_on_the_server_is_not_opened(pg_server, tmp_path):
    from tests.pg_server import server_url
    name = pg_server.create_database()
    try:
        ws, _ = make_workspace(target=server_url(pg_server.dsn(name)))
        scan = tmp_path / "证据.pdf"
        scan.write_bytes(b"original evidence")
        case = ws.register(draft_from_dict(case_json(attachments=[str(scan)])), "clerk").case
        (att,) = case.attachments
        ws.store.conn.execute("UPDATE file_contents SET content = ?", (b"forged evidence!",))
        with pytest.raises(DomainError, match="校验值不符"):
            ws.attachment_path(att)
        ws.store.conn.execute("DELETE FROM file_contents")
        with pytest.raises(DomainError, match="缺少附件“证据.pdf”的内容"):
            ws.attachment_path(att)
        ws.close()
    finally:
        pg_server.drop_database(name)


@pytest.mark.parametrize("office", ENGINES, indirect=True)
def test_mediation_documents_and_backlog_evidence(office, tmp_path):
    ws, clock = office
    med = ws.mediation
    med.add_committee(COMMITTEE_A, "420102001001", "admin", prefix="樱园")
    med.add_mediator("王调解", COMMITTEE_A, "admin", login="wang")
    clock.set(datetime(2026, 9, 1, 10))
    row = med.register(dispute_json(), "clerk")["row"]
    scan = tmp_path / "身份证复印件.pdf"
    scan.write_bytes(b"%PDF-1.4 id card")
    med.attach(row, "身份证明", [str(scan)], "wang")
    (doc,) = [d for d in med.show(row)["documents"] if d["origin"] == "attached"]
    assert doc["stored_path"].replace("\\", "/").startswith("disputes/") and doc["sha256"] == sha(b"%PDF-1.4 id card")
    assert med.document_path(doc).read_bytes() == b"%PDF-1.4 id card"
    # 积案 evidence: kept with the case's attachments, opened by the path the record lists
    case = register(ws, received_at="2026-08-01 09:00")
    ws.backlog.add_batch("第一批", "市信访联席办", "2026-01-01", "2026-12-31", "admin", target_rate=0.9)
    batch = ws.backlog.batches()[0]["id"]
    rec = ws.backlog.take_on(case.id, batch, "上级交办", "clerk", at="2026-09-01")["id"]
    evidence = tmp_path / "协调会纪要.docx"
    evidence.write_bytes(b"minutes")
    ws.backlog.add_attachments(rec, [str(evidence)], "clerk")
    (listed,) = ws.backlog.record(rec)["attachments"]
    assert ws.files.local_path(listed["path"]).read_bytes() == b"minutes"
    if ws.store.dialect.server:
        assert {s for s, _ in contents(ws)} == {sha(b"%PDF-1.4 id card"), sha(b"minutes")}


def test_carry_folder_puts_a_files_folder_into_the_server(pg_server, tmp_path):
    """The migrate-to hook: records copied from a SQLite file name their files; the folder's files go in."""
    from tests.pg_server import server_url
    name = pg_server.create_database()
    try:
        ws, clock = make_workspace(target=server_url(pg_server.dsn(name)))
        files = {"a.pdf": b"first file", "b.jpg": b"second file", "c.txt": b"third file"}
        for n, data in files.items():
            (tmp_path / n).write_bytes(data)
        case = ws.register(draft_from_dict(case_json(attachments=[str(tmp_path / n) for n in files])), "clerk").case
        ws.store.conn.execute("DELETE FROM file_contents")         # as after copying the rows of a SQLite file
        folder = tmp_path / "office-files"
        a, b, c = case.attachments
        for att, data in ((a, b"first file"), (b, b"changed since!")):      # c is missing from the folder
            (folder / att.stored_path).parent.mkdir(parents=True, exist_ok=True)
            (folder / att.stored_path).write_bytes(data)
        report = ws.files.carry_folder(folder)
        assert report == {"files": 1, "bytes": 10, "already": 0, "missing": [c.stored_path],
                          "mismatched": [b.stored_path]}
        assert ws.attachment_path(a).read_bytes() == b"first file"
        assert ws.files.carry_folder(folder)["already"] == 1
        ws.close()
    finally:
        pg_server.drop_database(name)

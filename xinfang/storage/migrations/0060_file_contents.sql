-- Issue 12, attachments on a server: the contents of attached files (case attachments, 卷宗 documents, 积案
-- evidence) keyed by their sha256, written in the action's transaction. Seats on other PCs cannot read a
-- folder beside a server, so a server keeps the bytes here. On SQLite the files stay in the `<db>-files`
-- folder and this table stays empty (it exists so that both engines have one schema).
CREATE TABLE file_contents (
    sha256   TEXT PRIMARY KEY,
    size     INTEGER NOT NULL,
    content  BLOB NOT NULL,
    added_at TEXT NOT NULL
);

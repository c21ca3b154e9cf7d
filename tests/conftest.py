"""Suite-wide: tracebacks logged by the error boundary go to a temporary folder, never the user's."""
import pytest


@pytest.fixture(autouse=True)
def _log_dir(tmp_path_factory, monkeypatch):
    folder = tmp_path_factory.mktemp("log")
    monkeypatch.setenv("XINFANG_LOG_DIR", str(folder))
    return folder

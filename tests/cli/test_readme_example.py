"""The README's command-line example, run verbatim with bash in an empty folder (issue 11 §4)."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def readme_blocks() -> tuple[str, str]:
    """The example case JSON and the bash block that follows it."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("An example case (`case.json`)")
    case = re.search(r"```json\n(.*?)```", text[start:], re.S).group(1)
    commands = re.search(r"```bash\n(.*?)```", text[start:], re.S).group(1)
    return case, commands


def test_the_readme_example_runs_as_written(tmp_path):
    assert shutil.which("bash"), "bash is needed to run the README's example"
    case, commands = readme_blocks()
    (tmp_path / "case.json").write_text(case, encoding="utf-8")
    (tmp_path / ".venv").symlink_to(Path(sys.prefix))        # the virtual environment running the tests
    env = dict(os.environ, HOME=str(tmp_path), XDG_DATA_HOME=str(tmp_path / "data"),
               PYTHONPATH=str(ROOT))
    proc = subprocess.run(["bash", "-euo", "pipefail", "-c", commands], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    # the last command prints the case: routed as the README says, forwarded and accepted today
    shown = json.loads(proc.stdout[proc.stdout.rindex('{\n  "id"'):])
    assert shown["status"] == "handling"
    assert [e["action"] for e in shown["events"]] == ["register", "forward", "accept"]
    assert shown["unit_name"] == "城东区住房和城乡建设局"
    assert "城东区住房和城乡建设局" in commands
    assert not (tmp_path / "data").exists()          # nothing was written to the user's data folder

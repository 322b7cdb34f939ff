"""The GitHub Action: ``action.yml`` read as data, and its run step executed with bash.

The "Run followthrough" step's script runs as the runner would run it: bash,
the step's ``env:`` block filled in from the inputs (defaults applied),
``GITHUB_OUTPUT`` and ``GITHUB_STEP_SUMMARY`` files, and a ``followthrough``
command on ``PATH`` that talks HTTP to a fake GitHub.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.fakes.github import FakeGitHub

yaml = pytest.importorskip("yaml", reason="PyYAML is in the dev extras: pip install -e '.[dev]'")

ROOT = Path(__file__).resolve().parents[2]
ACTION = ROOT / "action.yml"
TOKEN = "ghp_action_token_0123456789"
NOW = "2026-11-25T10:00:00+01:00"  # Wednesday of W48
INPUT_EXPR = re.compile(r"^\$\{\{\s*inputs\.([A-Za-z0-9_-]+)\s*\}\}$")
CONFIG = (
    'timezone = "Europe/Berlin"\n[github]\nrepos = ["acme/api"]\n[digest]\nissue = "acme/team#1"\n'
)


@pytest.fixture(scope="module")
def action() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(ACTION.read_text(encoding="utf-8"))
    return data


def run_step(action: Mapping[str, Any]) -> dict[str, Any]:
    (step,) = [s for s in action["runs"]["steps"] if s.get("name") == "Run followthrough"]
    return dict(step)


# --- action.yml as data -------------------------------------------------------------------


def test_action_is_composite_with_the_documented_inputs(action: dict[str, Any]) -> None:
    assert action["runs"]["using"] == "composite"
    inputs = action["inputs"]
    assert {"config", "token", "period", "post", "db", "python-version"} <= set(inputs)
    for name, spec in inputs.items():
        assert spec.get("description"), f"input {name} has no description"
    assert inputs["config"]["default"] == "followthrough.toml"
    assert inputs["token"]["default"] == "${{ github.token }}"
    assert inputs["post"]["default"] == "true"
    assert inputs["period"]["default"] == ""


def test_outputs_map_to_the_run_steps_outputs(action: dict[str, Any]) -> None:
    outputs = action["outputs"]
    assert set(outputs) == {"kept", "scored", "rate", "digest-url"}
    for name, spec in outputs.items():
        assert spec["value"] == f"${{{{ steps.run.outputs.{name} }}}}"
        assert spec.get("description")
    ids = [s.get("id") for s in action["runs"]["steps"]]
    assert ids.count("run") == 1


def test_no_script_splices_an_expression_inputs_go_through_env(action: dict[str, Any]) -> None:
    scripts = [s for s in action["runs"]["steps"] if "run" in s]
    assert scripts, "a composite action with no run step"
    for step in scripts:
        assert "${{" not in step["run"], f"step {step.get('name')!r} splices ${{{{ }}}} into bash"
        assert step.get("shell") == "bash"
    env = run_step(action)["env"]
    for key in ("GITHUB_TOKEN", "INPUT_CONFIG", "INPUT_PERIOD", "INPUT_POST", "INPUT_DB"):
        match = INPUT_EXPR.match(str(env[key]))
        assert match, f"{key} is not mapped from an input: {env[key]!r}"
        assert match.group(1) in action["inputs"]


# --- running the step ------------------------------------------------------------------------


@dataclass
class StepRun:
    returncode: int
    stdout: str
    stderr: str
    outputs: dict[str, str]
    summary: str


def parse_github_output(text: str) -> dict[str, str]:
    """GitHub's ``name<<DELIMITER`` multiline syntax (and plain ``name=value``)."""
    values: dict[str, str] = {}
    lines = iter(text.splitlines())
    for line in lines:
        if "<<" in line:
            name, delimiter = line.split("<<", 1)
            assert delimiter, f"empty delimiter for {name}"
            body = []
            for value_line in lines:
                if value_line == delimiter:
                    break
                body.append(value_line)
            else:
                raise AssertionError(f"output {name}: delimiter {delimiter} never closed")
            values[name] = "\n".join(body)
        elif line:
            name, value = line.split("=", 1)
            values[name] = value
    return values


@pytest.fixture(scope="module")
def bin_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A ``followthrough`` command for bash: the project's console-script entry point.

    A shim rather than the venv's installed script, so the checkout under test is
    what runs whether or not the package is installed (editable or not).
    """
    folder = tmp_path_factory.mktemp("bin")
    shim = folder / "followthrough"
    shim.write_text(
        "#!/bin/sh\n"
        f'exec "{sys.executable}" -c '
        '\'import sys; sys.argv[0] = "followthrough"; '
        'from followthrough.cli import main; main()\' "$@"\n',
        encoding="utf-8",
    )
    shim.chmod(0o755)
    return folder


@pytest.fixture
def gh() -> Iterator[FakeGitHub]:
    with FakeGitHub(token=TOKEN) as fake:
        fake.add_repo("acme/api")
        fake.add_repo("acme/team")
        fake.add_issue("acme/team", title="Team digest", created_at="2026-09-01T09:00:00Z")
        yield fake


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    folder = tmp_path / "workspace"
    folder.mkdir()
    (folder / "followthrough.toml").write_text(CONFIG, encoding="utf-8")
    return folder


def seed_small_week(gh: FakeGitHub) -> None:
    """W47: one promise kept, one overdue."""
    retro = gh.add_issue(
        "acme/api",
        title="Retro",
        user="mara",
        body="/promise send the retro notes by Friday",
        created_at="2026-11-16T08:00:00Z",
    )
    gh.add_comment("acme/api", retro, user="mara", body="/done", created_at="2026-11-19T15:00:00Z")
    gh.add_issue(
        "acme/api",
        title="Flaky CI",
        user="tomas",
        body="/promise quarantine the flaky test by Thursday",
        created_at="2026-11-16T12:00:00Z",
    )


def step_env(action: Mapping[str, Any], inputs: Mapping[str, str]) -> dict[str, str]:
    """The step's ``env:`` block as the runner fills it: ``${{ inputs.x }}`` or its default."""
    declared = action["inputs"]
    env: dict[str, str] = {}
    for key, expr in run_step(action)["env"].items():
        match = INPUT_EXPR.match(str(expr))
        assert match, f"{key}: only ${{{{ inputs.* }}}} is understood here, got {expr!r}"
        name = match.group(1)
        env[key] = inputs[name] if name in inputs else str(declared[name].get("default", ""))
    return env


def run_action(
    action: Mapping[str, Any],
    *,
    gh: FakeGitHub,
    workspace: Path,
    bin_dir: Path,
    tag: str,
    now: str = NOW,
    **inputs: str,
) -> StepRun:
    outputs = workspace.parent / f"output-{tag}.txt"
    summary = workspace.parent / f"summary-{tag}.md"
    outputs.write_text("", encoding="utf-8")
    summary.write_text("", encoding="utf-8")
    env = {
        "PATH": os.pathsep.join(
            [str(bin_dir), str(Path(sys.executable).parent), "/usr/local/bin", "/usr/bin", "/bin"]
        ),
        "HOME": str(workspace.parent),
        "PYTHONPATH": str(ROOT),
        "GITHUB_ACTIONS": "true",
        "GITHUB_API_URL": gh.url,
        "GITHUB_OUTPUT": str(outputs),
        "GITHUB_STEP_SUMMARY": str(summary),
        "FOLLOWTHROUGH_NOW": now,
        **step_env(action, {"token": TOKEN, **inputs}),
    }
    script = run_step(action)["run"]
    done = subprocess.run(
        # The runner's `shell: bash` is `bash --noprofile --norc -eo pipefail {0}`.
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
        env=env,
        cwd=workspace,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return StepRun(
        returncode=done.returncode,
        stdout=done.stdout,
        stderr=done.stderr,
        outputs=parse_github_output(outputs.read_text(encoding="utf-8")),
        summary=summary.read_text(encoding="utf-8"),
    )


def test_run_step_posts_one_comment_and_writes_outputs_and_summary(
    action: dict[str, Any], gh: FakeGitHub, workspace: Path, bin_dir: Path
) -> None:
    seed_small_week(gh)
    first = run_action(
        action, gh=gh, workspace=workspace, bin_dir=bin_dir, tag="1", period="2026-W47"
    )
    assert first.returncode == 0, first.stderr
    (comment,) = gh.comments("acme/team", 1)
    assert comment["body"].startswith("<!-- followthrough:digest 2026-W47 -->\n")
    assert first.outputs == {
        "kept": "1",
        "scored": "2",
        "rate": "0.5",
        "digest-url": comment["html_url"],
    }
    assert comment["html_url"].startswith("https://github.com/acme/team/issues/1#issuecomment-")
    assert first.summary == comment["body"].rstrip("\n") + "\n"
    assert "::warning title=followthrough::1 promise(s) still open past their due" in first.stdout
    assert TOKEN not in first.stdout + first.stderr + first.summary
    # The cache went to the input's default path, relative to the workspace.
    assert (workspace / ".followthrough" / "followthrough.db").is_file()

    second = run_action(
        action,
        gh=gh,
        workspace=workspace,
        bin_dir=bin_dir,
        tag="2",
        now="2026-11-25T12:00:00+01:00",
        period="2026-W47",
    )
    assert second.returncode == 0, second.stderr
    (edited,) = gh.comments("acme/team", 1)
    assert edited["id"] == comment["id"]
    assert edited["body"] != comment["body"]  # generated_at moved on
    assert "2026-11-25T12:00:00+01:00" in edited["body"]
    assert gh.count("POST") == 1
    assert gh.count("PATCH") == 1
    assert second.outputs["digest-url"] == comment["html_url"]
    assert second.summary == edited["body"].rstrip("\n") + "\n"


def test_post_false_renders_only(
    action: dict[str, Any], gh: FakeGitHub, workspace: Path, bin_dir: Path
) -> None:
    seed_small_week(gh)
    run = run_action(
        action,
        gh=gh,
        workspace=workspace,
        bin_dir=bin_dir,
        tag="np",
        period="2026-W47",
        post="false",
    )
    assert run.returncode == 0, run.stderr
    assert gh.comments("acme/team", 1) == []
    assert gh.count("POST") == 0 and gh.count("PATCH") == 0
    assert run.outputs == {"kept": "1", "scored": "2", "rate": "0.5", "digest-url": ""}
    assert run.summary.startswith("<!-- followthrough:digest 2026-W47 -->\n")
    assert "<!-- followthrough:digest 2026-W47 -->" in run.stdout  # printed as well


def test_failed_sync_is_an_error_annotation_and_nothing_is_posted(
    action: dict[str, Any], gh: FakeGitHub, workspace: Path, bin_dir: Path
) -> None:
    wrong = "ghp_wrong_action_token_42"
    run = run_action(
        action,
        gh=gh,
        workspace=workspace,
        bin_dir=bin_dir,
        tag="bad",
        period="2026-W47",
        token=wrong,
    )
    assert run.returncode == 1
    lines = run.stdout.splitlines()
    assert any(line.startswith("::error title=followthrough: github::") for line in lines)
    assert any(
        line.startswith(
            "::error title=followthrough::not posting the digest: the sync was incomplete"
        )
        for line in lines
    )
    assert gh.comments("acme/team", 1) == []
    assert run.outputs["digest-url"] == ""
    assert wrong not in run.stdout + run.stderr + run.summary


def test_empty_period_input_means_the_current_week(
    action: dict[str, Any], gh: FakeGitHub, workspace: Path, bin_dir: Path
) -> None:
    run = run_action(action, gh=gh, workspace=workspace, bin_dir=bin_dir, tag="cur")
    assert run.returncode == 0, run.stderr
    (comment,) = gh.comments("acme/team", 1)
    assert comment["body"].startswith("<!-- followthrough:digest 2026-W48 -->\n")
    assert run.outputs["scored"] == "0" and run.outputs["rate"] == ""


def test_post_input_other_than_true_or_false_is_an_error_annotation(
    action: dict[str, Any], gh: FakeGitHub, workspace: Path, bin_dir: Path
) -> None:
    run = run_action(action, gh=gh, workspace=workspace, bin_dir=bin_dir, tag="maybe", post="maybe")
    assert run.returncode == 2
    assert (
        '::error title=followthrough::input post must be "true" or "false", got "maybe"'
        in run.stdout.splitlines()
    )
    assert gh.requests == []  # followthrough never ran
    assert run.outputs == {}


def test_inputs_are_data_never_shell(
    action: dict[str, Any], gh: FakeGitHub, workspace: Path, bin_dir: Path
) -> None:
    period = run_action(
        action,
        gh=gh,
        workspace=workspace,
        bin_dir=bin_dir,
        tag="inj1",
        period='2026-W47"; touch pwned; echo "',
    )
    assert period.returncode == 2
    assert period.stderr.startswith("Error: --period must be an ISO week like 2026-W47")
    assert 'got "2026-W47"; touch pwned; echo ""' in period.stderr
    config = run_action(
        action, gh=gh, workspace=workspace, bin_dir=bin_dir, tag="inj2", config="$(touch pwned)"
    )
    assert config.returncode == 2
    assert "$(touch pwned): no such file" in config.stderr
    assert not (workspace / "pwned").exists()
    assert gh.requests == []

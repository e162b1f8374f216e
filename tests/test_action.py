"""The action's own steps (action.yml) that the workflow tests do not reach: installing the
auditor from the action's folder, the offline checks, and the verdict. Run as a runner runs
them (tests/action_runner.py); the audit and its outputs are in tests/test_ci_integration.py."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.action_runner import Job, with_defaults
from tests.conftest import INVENTORY, REPO


def workspace(tmp_path: Path) -> Path:
    work = tmp_path / "checkout"
    work.mkdir()
    shutil.copy(INVENTORY, work / "inventory.yaml")
    shutil.copytree(REPO / "docs", work / "docs")
    return work


def test_install_puts_the_auditor_of_the_action_folder_on_the_path(tmp_path: Path) -> None:
    """As on a runner after setup-python: a fresh Python, `pip install $GITHUB_ACTION_PATH`."""
    venv = tmp_path / "python"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    job = Job(tmp_path, workspace(tmp_path), with_defaults({"environment": "prod"}))
    result = job.run("Install the auditor", path_prefix=f"{venv / 'bin'}:")
    assert result.returncode == 0, result.stdout + result.stderr
    version = subprocess.run([str(venv / "bin" / "auditor"), "-V"], capture_output=True, text=True, timeout=60)
    assert version.stdout.startswith("auditor ")
    installed = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "list", "--format=freeze"], capture_output=True, text=True
    ).stdout
    assert "supabase-inventory-auditor==" in installed and "supabase==" not in installed  # no extras asked


def test_offline_checks_pass_on_the_repository_and_fail_on_a_broken_one(tmp_path: Path) -> None:
    job = Job(tmp_path, workspace(tmp_path), with_defaults({"checks": "validate docs"}))
    result = job.run("Offline checks")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "inventory.yaml: valid" in result.stdout

    inventory = job.workspace / "inventory.yaml"
    inventory.write_text(inventory.read_text().replace("  profiles:\n", "  profiles:\n    colums: 3\n", 1))
    (job.workspace / "docs" / "INVENTORY.md").write_text("stale\n")
    result = job.run("Offline checks")
    assert result.returncode == 1
    assert "unknown key 'colums'; did you mean 'columns'?" in result.stderr
    assert "inventory.yaml:" in result.stderr  # file:line:column

    job = Job(tmp_path, job.workspace, with_defaults({"checks": "validate lint"}))
    result = job.run("Offline checks")
    assert result.returncode == 2 and "unknown check 'lint'" in result.stdout


def test_the_verdict_fails_the_job_on_drift_only_when_asked(tmp_path: Path) -> None:
    for fail_job_on_drift, code, expected in [
        ("false", "1", 0),
        ("true", "1", 1),
        ("false", "0", 0),
        ("true", "0", 0),
        ("false", "2", 2),
        ("false", "4", 4),
    ]:
        job = Job(tmp_path, tmp_path, with_defaults({"environment": "prod", "fail-job-on-drift": fail_job_on_drift}))
        job.outputs["audit"] = {"exit-code": code}
        assert job.run("Verdict").returncode == expected, (fail_job_on_drift, code)

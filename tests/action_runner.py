"""Runs the shell steps of action.yml the way a GitHub runner runs a composite action's steps.

Each step's script is run by bash as the runner does (`shell: bash`: bash --noprofile --norc
-eo pipefail), in a workspace folder, with its `env:` evaluated: `${{ inputs.* }}` from the
inputs given (else the action's defaults), `${{ steps.*.outputs.* }}` from the earlier steps'
outputs, `${{ github.* }}` from a fixed context. Each step gets its own GITHUB_OUTPUT file, the
job one GITHUB_STEP_SUMMARY, and GITHUB_ACTION_PATH is this repository, as when a workflow says
`uses: <owner>/supabase-inventory-auditor@<tag>`. `auditor` and `python` are the ones under test.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from tests.conftest import REPO

ACTION = REPO / "action.yml"
ACTION_USES = re.compile(r"[\w-]+/supabase-inventory-auditor@v[\d.]+")  # how the example workflows name it
CONTEXT = {  # the ${{ }} expressions of the github context the steps use, as GitHub would fill them
    "github.server_url": "https://github.com",
    "github.repository": "o/r",
    "github.run_id": "42",
    "github.token": "ghs_test",
    "github.workflow": "Inventory audit (nightly)",
    "github.event.repository.default_branch": "main",
}
RUN_URL = "https://github.com/o/r/actions/runs/42"
_EXPRESSION = re.compile(r"\$\{\{\s*(.+?)\s*\}\}")


def action() -> dict:
    return yaml.safe_load(ACTION.read_text())


def action_step(name: str) -> dict:
    return next(s for s in action()["runs"]["steps"] if s.get("name") == name)


def with_defaults(given: dict) -> dict[str, str]:
    """The action's inputs as a runner passes them: strings, the defaults where none is given."""
    values = {}
    for name, spec in action()["inputs"].items():
        value = given.get(name, spec.get("default", ""))
        values[name] = str(value).lower() if isinstance(value, bool) else str(value)
    unknown = set(given) - set(values)
    assert not unknown, f"inputs the action does not declare: {unknown}"
    return values


def evaluate(text: str, sources: dict[str, dict[str, str]]) -> str:
    """`text` with each ${{ a.b }} replaced: sources['inputs']['b'], sources['env'][...], the context."""

    def value(match: re.Match) -> str:
        expression = match.group(1)
        if expression.startswith("steps."):  # steps.<id>.outputs.<name>
            _, step_id, _, name = expression.split(".", 3)
            return sources.get("steps", {}).get(step_id, {}).get(name, "")
        head, _, rest = expression.partition(".")
        if head in sources and head != "steps":
            return sources[head][rest]
        return CONTEXT[expression]

    return _EXPRESSION.sub(value, str(text))


@dataclass
class StepResult:
    returncode: int
    stdout: str
    stderr: str
    outputs: dict[str, str]


@dataclass
class Job:
    """One job's workspace, its step summary, and the outputs of the action steps run so far."""

    tmp_path: Path
    workspace: Path
    inputs: dict[str, str]
    env: dict[str, str] = field(default_factory=dict)  # the workflow's and the calling step's env
    outputs: dict[str, dict[str, str]] = field(default_factory=dict)  # by step id

    @property
    def summary(self) -> Path:
        return self.tmp_path / "step_summary"

    def run(self, name: str, path_prefix: str = "") -> StepResult:
        """Run the action's step `name`; remember its outputs under its id."""
        the_step = action_step(name)
        assert the_step["shell"] == "bash"
        sources = {"inputs": self.inputs, "steps": self.outputs}
        output_file = self.tmp_path / f"output-{the_step.get('id', 'step')}"
        output_file.unlink(missing_ok=True)
        environment = {
            k: v for k, v in os.environ.items() if not k.startswith(("AUDITOR_", "OURVIDZ_", "GITHUB_", "NO_COLOR"))
        }
        environment.update(self.env)
        environment.update({k: evaluate(v, sources) for k, v in the_step.get("env", {}).items()})
        (self.tmp_path / "runner_temp").mkdir(exist_ok=True)
        environment.update(
            GITHUB_ACTIONS="true",
            CI="true",
            GITHUB_WORKSPACE=str(self.workspace),
            GITHUB_ACTION_PATH=str(REPO),
            GITHUB_REF_NAME="main",
            GITHUB_OUTPUT=str(output_file),
            GITHUB_STEP_SUMMARY=str(self.summary),
            RUNNER_TEMP=str(self.tmp_path / "runner_temp"),
            PATH=f"{path_prefix}{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        )
        script = self.tmp_path / "step.sh"
        script.write_text(the_step["run"])
        result = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
            cwd=self.workspace,
            env=environment,
            capture_output=True,
            text=True,
            timeout=180,
        )
        outputs = parse_outputs(output_file)
        if "id" in the_step:
            self.outputs[the_step["id"]] = outputs
        return StepResult(result.returncode, result.stdout, result.stderr, outputs)


def parse_outputs(path: Path) -> dict[str, str]:
    return dict(line.split("=", 1) for line in path.read_text().splitlines()) if path.exists() else {}


def job_for(workflow: dict, step_name: str, tmp_path: Path, workspace: Path, secrets: dict[str, str]) -> Job:
    """A Job for the workflow's step that uses the action: its `with:` as inputs, its `env:`."""
    the_step = next(s for s in _steps(workflow) if s.get("name") == step_name)
    assert ACTION_USES.fullmatch(the_step["uses"]), the_step["uses"]
    workflow_env = {k: evaluate(v, {}) for k, v in workflow.get("env", {}).items()}
    sources = {"env": workflow_env, "secrets": secrets}
    env = {**workflow_env, **{k: evaluate(v, sources) for k, v in the_step.get("env", {}).items()}}
    inputs = {k: evaluate(v, sources) if isinstance(v, str) else v for k, v in the_step.get("with", {}).items()}
    return Job(tmp_path, workspace, with_defaults(inputs), env)


def _steps(workflow: dict) -> list[dict]:
    return [s for job in workflow["jobs"].values() for s in job["steps"]]

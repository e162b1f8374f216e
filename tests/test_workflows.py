"""The GitHub workflows in examples/github/ and the action they use (action.yml): valid for
actionlint (which also reads the action's inputs and runs shellcheck on the scripts), the shape
GitHub needs, no secret or expression in a script, and their github-script steps (tracking
issue, sticky comment) run in Node against an in-memory GitHub. The action's shell steps run
against a real database in tests/test_ci_integration.py and below."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import typer.main
import yaml

from auditor.cli import app
from auditor.inventory import load_inventory
from tests import pg
from tests.action_runner import ACTION, ACTION_USES, action, job_for
from tests.conftest import INVENTORY, REPO

WORKFLOWS = REPO / "examples" / "github"
NIGHTLY = WORKFLOWS / "inventory-nightly.yml"
PULL_REQUEST = WORKFLOWS / "inventory-pull-request.yml"
TOOLS = Path(sys.executable).parent  # actionlint and shellcheck come with the dev extra


def load(path: Path) -> dict:
    data = yaml.safe_load(path.read_text())
    if True in data:  # YAML 1.1 reads the key `on` as true
        data["on"] = data.pop(True)
    return data


def steps(workflow: dict) -> list[dict]:
    if "runs" in workflow:  # the action
        return workflow["runs"]["steps"]
    return [step for job in workflow["jobs"].values() for step in job["steps"]]


def step(workflow: dict, name: str) -> dict:
    return next(s for s in steps(workflow) if s.get("name") == name)


def scripts(workflow: dict) -> list[str]:
    """Every shell script and github-script body of the workflow."""
    return [s["run"] for s in steps(workflow) if "run" in s] + [
        s["with"]["script"] for s in steps(workflow) if "script" in s.get("with", {})
    ]


# --- actionlint and shellcheck ---------------------------------------------------------------


def lint(tmp_path: Path, workflows: dict[str, str]) -> subprocess.CompletedProcess:
    """actionlint on these workflows in a repository holding action.yml, `uses: ./` for the action."""
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    shutil.copy(ACTION, tmp_path / "action.yml")
    for name, text in workflows.items():
        (tmp_path / ".github" / "workflows" / name).write_text(ACTION_USES.sub("./", text))
    return subprocess.run(
        [str(TOOLS / "actionlint"), "-shellcheck", str(TOOLS / "shellcheck"), "-no-color"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_actionlint_accepts_the_workflows_and_their_use_of_the_action(tmp_path: Path) -> None:
    texts = {path.name: path.read_text() for path in (NIGHTLY, PULL_REQUEST)}
    assert all(ACTION_USES.search(text) for text in texts.values())  # both use the action
    result = lint(tmp_path / "good", texts)
    assert result.returncode == 0, result.stdout + result.stderr
    # and it would catch a mistake: an input the action does not have, a bad expression
    broken = (
        texts[NIGHTLY.name]
        .replace("baseline-workflow:", "baseline-workflw:")
        .replace("${{ env.AUDIT_ENV }}", "${{ env.AUDIT_ENV }")
    )
    result = lint(tmp_path / "bad", {NIGHTLY.name: broken})
    assert result.returncode == 1
    assert 'input "baseline-workflw" is not defined in action' in result.stdout


def test_shellcheck_accepts_every_script_of_the_action(tmp_path: Path) -> None:
    for index, script in enumerate(s["run"] for s in action()["runs"]["steps"] if "run" in s):
        path = tmp_path / f"step{index}.sh"
        path.write_text(script)
        result = subprocess.run(
            [str(TOOLS / "shellcheck"), "--shell=bash", str(path)], capture_output=True, text=True, timeout=60
        )
        assert result.returncode == 0, script + result.stdout


# --- the command line -------------------------------------------------------------------------


def check_against_cli(args: list[str]) -> None:
    """Parse `auditor ARGS` with the real command tree: the sub-command and every option must exist.

    Raises typer's click errors (NoSuchOption, BadParameter, UsageError) otherwise.
    """
    command = typer.main.get_command(app)
    context = command.make_context("auditor", [], resilient_parsing=True)
    rest = list(args)
    while hasattr(command, "get_command"):  # a group: the next word names a sub-command
        assert rest, f"auditor {' '.join(args)}: no sub-command"
        name, rest = rest[0], rest[1:]
        sub = command.get_command(context, name)
        assert sub is not None, f"auditor {' '.join(args)}: no sub-command {name!r}"
        command = sub
        if hasattr(command, "get_command"):
            context = command.make_context(name, [], parent=context, resilient_parsing=True)
        else:
            command.make_context(name, rest, parent=context)


def test_the_checker_rejects_what_the_cli_rejects() -> None:
    from typer import TyperException

    check_against_cli(["audit", "--env", "prod", "--baseline", "b.json", "--github"])
    for bad in (["audit", "--no-such-option"], ["audit", "--format", "pdf"], ["docs", "nope"], ["nope"]):
        with pytest.raises((TyperException, AssertionError)):
            check_against_cli(bad)


# --- shape and hygiene --------------------------------------------------------------------


def test_nightly_triggers_permissions_and_the_action() -> None:
    nightly = load(NIGHTLY)
    assert nightly["on"]["schedule"][0]["cron"] and "workflow_dispatch" in nightly["on"]
    assert nightly["permissions"] == {"contents": "read", "issues": "write", "actions": "read"}
    audit = step(nightly, "Audit")
    assert audit["id"] == "audit" and ACTION_USES.fullmatch(audit["uses"])
    assert audit["with"]["environment"] == "${{ env.AUDIT_ENV }}"
    assert audit["with"]["baseline-workflow"] == NIGHTLY.name  # the last successful night of this workflow
    assert "--require-all-checks" in audit["with"]["args"].split()  # a check not made is no green night
    check_against_cli(["audit", *audit["with"]["args"].split()])
    assert step(nightly, "Open, update or close the tracking issue")["if"] == "steps.audit.outputs.drift != ''"


def test_pull_request_validates_offline_and_audits_only_with_the_secret() -> None:
    workflow = load(PULL_REQUEST)
    assert "pull_request" in workflow["on"]
    assert workflow["permissions"]["pull-requests"] == "write"
    offline = workflow["jobs"]["offline"]["steps"]
    assert [s["with"] for s in offline if "uses" in s and ACTION_USES.fullmatch(s["uses"])] == [
        {"checks": "validate docs"}
    ]
    audit_job = workflow["jobs"]["audit"]
    assert audit_job["needs"] == "offline"
    assert audit_job["env"]["HAS_DATABASE"] == "${{ secrets.OURVIDZ_PROD_DATABASE_URL != '' }}"
    guarded = [s for s in audit_job["steps"] if s.get("name") != "Skip without a database secret"]
    assert guarded and all(s["if"] == "env.HAS_DATABASE == 'true'" for s in guarded)
    audit = step(workflow, "Audit")
    assert audit["with"]["comment"] is True and audit["with"]["baseline-workflow"] == NIGHTLY.name


@pytest.mark.parametrize("path", [NIGHTLY, PULL_REQUEST, ACTION], ids=lambda p: p.name)
def test_secrets_reach_commands_only_through_environment_variables(path: Path) -> None:
    workflow = load(path)
    for script in scripts(workflow):
        assert "${{" not in script, "an expression inside a script (secret echo or injection risk)"
    for s in steps(workflow):
        for value in s.get("env", {}).values():
            if "secrets." in str(value):
                assert re.fullmatch(r"\$\{\{ secrets\.\w+ \}\}", value)
    for s in steps(workflow):
        if "uses" in s:
            assert re.fullmatch(r"[\w-]+/[\w/-]+@v\d+", s["uses"]) or ACTION_USES.fullmatch(s["uses"]), s["uses"]


def test_the_action_declares_every_input_and_step_output_it_uses() -> None:
    spec = action()
    text = ACTION.read_text()
    used_inputs = set(re.findall(r"inputs\.([\w-]+)", text))
    assert used_inputs == set(spec["inputs"]), used_inputs ^ set(spec["inputs"])
    for name in ("environment", "fail-on", "step-summary", "comment", "baseline-workflow", "artifact"):
        assert name in spec["inputs"]
    ids = {s["id"] for s in spec["runs"]["steps"] if "id" in s}
    for reference in re.findall(r"steps\.([\w-]+)\.outputs", text):
        assert reference in ids
    assert {o["value"] for o in spec["outputs"].values()} == {
        f"${{{{ steps.audit.outputs.{name} }}}}" for name in spec["outputs"]
    }


def test_the_secret_names_the_variable_the_inventory_reads() -> None:
    audit = step(load(NIGHTLY), "Audit")
    (variable,) = [k for k, v in audit["env"].items() if "secrets." in v]
    prod = load_inventory(INVENTORY).environment(audit_environment())
    assert prod.database_url == f"${{{variable}}}"


def audit_environment() -> str:
    return load(NIGHTLY)["env"]["AUDIT_ENV"]


# --- github-script steps, run in Node against an in-memory GitHub --------------------------

FAKE_GITHUB = r"""
const fs = require('fs');
const state = JSON.parse(fs.readFileSync(process.env.STATE_FILE, 'utf8'));
const ok = (data) => ({ data });
const notFound = () => Object.assign(new Error('Not Found'), { status: 404 });
const issues = {
  listForRepo: async ({ state: wanted, labels }) =>
    ok(state.issues.filter((i) => i.state === wanted && i.labels.includes(labels))),
  getLabel: async ({ name }) => { if (!state.labels.includes(name)) throw notFound(); return ok({ name }); },
  createLabel: async ({ name }) => { state.labels.push(name); return ok({ name }); },
  create: async ({ title, body, labels }) => {
    const issue = { number: state.next++, title, body, labels, state: 'open' };
    state.issues.push(issue);
    return ok(issue);
  },
  update: async ({ owner, repo, issue_number, ...fields }) => {
    const issue = state.issues.find((i) => i.number === issue_number);
    Object.assign(issue, fields);
    return ok(issue);
  },
  createComment: async ({ issue_number, body }) => {
    const comment = { id: state.next++, issue_number, body, user: { type: 'Bot' } };
    state.comments.push(comment);
    return ok(comment);
  },
  listComments: async ({ issue_number }) => ok(state.comments.filter((c) => c.issue_number === issue_number)),
  updateComment: async ({ comment_id, body }) => {
    const comment = state.comments.find((c) => c.id === comment_id);
    comment.body = body;
    return ok(comment);
  },
};
const github = { rest: { issues }, paginate: async (method, params) => (await method(params)).data };
const context = { repo: { owner: 'o', repo: 'r' }, payload: { pull_request: { number: 7 } } };
const core = { info: (message) => console.log(message) };
const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor;
const script = fs.readFileSync(process.env.SCRIPT_FILE, 'utf8');
new AsyncFunction('require', 'github', 'context', 'core', script)(require, github, context, core)
  .then(() => fs.writeFileSync(process.env.STATE_FILE, JSON.stringify(state)))
  .catch((error) => { console.error(error); process.exit(1); });
"""

needs_node = pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js")


class FakeRepository:
    """Runs a github-script body in Node against issues and comments kept in a file."""

    def __init__(self, tmp_path: Path, script: str, env: dict[str, str]):
        self.dir = tmp_path
        self.state_file = tmp_path / "state.json"
        self.state_file.write_text(json.dumps({"issues": [], "comments": [], "labels": [], "next": 1}))
        (tmp_path / "script.js").write_text(script)
        (tmp_path / "harness.js").write_text(FAKE_GITHUB)
        (tmp_path / "reports").mkdir(exist_ok=True)
        self.env = {
            "RUN_URL": "https://github.com/o/r/actions/runs/1",
            "MARKDOWN": "reports/audit.md",
            "JSON": "reports/audit.json",
            **env,
        }

    @property
    def state(self) -> dict:
        return json.loads(self.state_file.read_text())

    def update(self, change) -> None:
        state = self.state
        change(state)
        self.state_file.write_text(json.dumps(state))

    def run(self, report: str | None, new: int = 0, **env: str) -> None:
        """Run the script once; `report` is the markdown report (None: the audit wrote none)."""
        markdown = self.dir / "reports" / "audit.md"
        if report is None:
            markdown.unlink(missing_ok=True)
        else:
            markdown.write_text(report)
        (self.dir / "reports" / "audit.json").write_text(json.dumps({"baseline": {"new": new}}))
        result = subprocess.run(
            ["node", "harness.js"],
            cwd=self.dir,
            env={**self.env, **env, "STATE_FILE": str(self.state_file), "SCRIPT_FILE": "script.js"},
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr


def nightly_tracking(tmp_path: Path) -> FakeRepository:
    workflow = load(NIGHTLY)
    script = step(workflow, "Open, update or close the tracking issue")["with"]["script"]
    return FakeRepository(tmp_path, script, {"AUDIT_ENV": workflow["env"]["AUDIT_ENV"]})


@needs_node
def test_one_tracking_issue_opened_updated_and_closed(tmp_path: Path) -> None:
    github = nightly_tracking(tmp_path)
    github.update(
        lambda s: s["issues"].append(
            {"number": 99, "body": "by hand", "labels": ["inventory-drift"], "state": "open", "title": "x"}
        )
    )

    github.run("## ❌ night 1", DRIFT="true")
    opened = [i for i in github.state["issues"] if i["number"] != 99]
    assert len(opened) == 1 and opened[0]["state"] == "open" and opened[0]["title"] == "Inventory drift in prod"
    assert opened[0]["body"].startswith("<!-- inventory-auditor:tracking:prod -->\n## ❌ night 1")
    assert github.state["labels"] == ["inventory-drift"]

    github.run("## ❌ night 2", new=2, DRIFT="true")
    github.run("## ❌ night 3", new=0, DRIFT="true")
    state = github.state
    assert len(state["issues"]) == 2, "not one issue per night"
    assert "night 3" in state["issues"][1]["body"]
    assert [c["body"].split(" (")[0] for c in state["comments"]] == ["2 new findings since the last report"]

    github.run("## ✅ night 4", DRIFT="false")
    github.run("## ✅ night 5", DRIFT="false")
    state = github.state
    assert state["issues"][1]["state"] == "closed" and state["issues"][1]["state_reason"] == "completed"
    assert state["comments"][-1]["body"].startswith("No finding any more in prod")
    assert len(state["comments"]) == 2
    assert state["issues"][0] == {
        "number": 99,
        "body": "by hand",
        "labels": ["inventory-drift"],
        "state": "open",
        "title": "x",
    }

    github.run("## ❌ night 6", DRIFT="true")
    state = github.state
    assert [i["state"] for i in state["issues"]] == ["open", "closed", "open"]


@needs_node
def test_one_sticky_pull_request_comment_updated_on_every_push(tmp_path: Path) -> None:
    script = step(action(), "Post or update the pull request comment")["with"]["script"]
    github = FakeRepository(tmp_path, script, {"AUDIT_ENV": "prod"})
    human = {"id": 500, "issue_number": 7, "body": "quoting <!-- inventory-auditor:prod -->", "user": {"type": "User"}}
    github.update(lambda s: s["comments"].append(human))
    for push in range(3):
        github.run(f"## report of push {push}", EXIT_CODE="1")
    comments = github.state["comments"]
    assert comments[0] == human
    assert len(comments) == 2, "the comment was duplicated"
    assert comments[1]["body"].startswith("<!-- inventory-auditor:prod -->\n## report of push 2")
    github.run(None, EXIT_CODE="3")
    assert "auditor exited with 3" in github.state["comments"][1]["body"]
    github.run("## staging", EXIT_CODE="0", AUDIT_ENV="staging")  # another environment: its own comment
    assert len(github.state["comments"]) == 3


WARNINGS_ONLY = "insert into storage.buckets (id, name, public) values ('scratch', 'scratch', false);"


@needs_node
def test_warnings_only_drift_opens_the_tracking_issue_and_only_a_clean_report_closes_it(
    ourvidz_db: str, tmp_path: Path
) -> None:
    """At --fail-on error, a night with warnings only exits 0: the issue still follows the report."""
    work = tmp_path / "checkout"
    work.mkdir()
    shutil.copy(INVENTORY, work / "inventory.yaml")
    shutil.copytree(REPO / "docs", work / "docs")
    (tmp_path / "github").mkdir()
    github = nightly_tracking(tmp_path / "github")

    def night() -> dict[str, str]:
        job = job_for(load(NIGHTLY), "Audit", tmp_path, work, {"OURVIDZ_PROD_DATABASE_URL": ourvidz_db})
        outputs = job.run("Audit").outputs
        assert job.run("Verdict").returncode == 0
        if outputs["drift"] == "true":
            github.run((work / "reports/audit.md").read_text(), DRIFT="true")
        else:
            github.run(None, DRIFT=outputs["drift"])
        return outputs

    pg.execute(ourvidz_db, WARNINGS_ONLY)
    outputs = night()
    assert outputs["exit-code"] == "0" and outputs["drift"] == "true"  # no error, but a finding
    (issue,) = github.state["issues"]
    assert issue["state"] == "open" and "scratch" in issue["body"]
    pg.execute(ourvidz_db, "delete from storage.buckets where id = 'scratch';")
    assert night()["drift"] == "false"
    (issue,) = github.state["issues"]
    assert issue["state"] == "closed"

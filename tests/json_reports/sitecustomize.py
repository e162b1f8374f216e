"""Records every JSON report an auditor process renders, so that the test suite can validate
each against the published schema (tests/conftest.py, `json_reports_match_the_schema`).

tests/conftest.py puts this folder on PYTHONPATH for every process the suite starts (the
auditor run by run_auditor, by a workflow's bash step, by the demo, in a private venv), so
Python imports this module at start-up; it does nothing unless JSON_REPORTS_SEEN names a
folder, and then only wraps auditor.render.json.render_json when that module is first
imported. Each report is written to the folder with the command line that produced it.
Standard library only, and only os and sys at start-up: a process's imports are measured.
"""

from __future__ import annotations

import os
import sys

FOLDER_VARIABLE = "JSON_REPORTS_SEEN"
MODULE = "auditor.render.json"


def record(text: str) -> None:
    """Keep one rendered report (never failing the process that rendered it)."""
    import json
    import uuid

    folder = os.environ.get(FOLDER_VARIABLE)
    if not folder:
        return
    try:
        path = os.path.join(folder, f"{os.getpid()}-{uuid.uuid4().hex}.json")
        with open(path, "w", encoding="utf-8") as file:
            json.dump({"argv": sys.argv, "report": text}, file)
    except OSError:
        pass


def install(module) -> None:
    """Wrap the module's render_json so that each report it returns is recorded."""
    render_json = module.render_json
    if getattr(render_json, "records_reports", False):
        return

    def recording_render_json(report):
        text = render_json(report)
        record(text)
        return text

    recording_render_json.records_reports = True
    module.render_json = recording_render_json


class _WrapOnImport:
    """A meta path finder that lets the others find MODULE and wraps it once it is executed."""

    def find_spec(self, name, path=None, target=None):
        if name != MODULE:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(name, path, target)
            if spec is not None and spec.loader is not None:
                execute = spec.loader.exec_module

                def exec_module(module, execute=execute):
                    execute(module)
                    install(module)

                spec.loader.exec_module = exec_module
                return spec
        return None


if os.environ.get(FOLDER_VARIABLE):
    sys.meta_path.insert(0, _WrapOnImport())

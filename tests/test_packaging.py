"""A plain (non-editable) wheel ships everything the auditor reads at run time."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from tests.conftest import REPO


def test_wheel_ships_sql_templates_schema_and_demo(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(REPO),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped_sql = {name for name in names if name.startswith("auditor/sql/")}
    assert shipped_sql == {f"auditor/sql/{p.name}" for p in (REPO / "auditor" / "sql").glob("*.sql")}
    templates = {f"auditor/templates/{p.name}" for p in (REPO / "auditor" / "templates").glob("*.j2")}
    assert {"auditor/templates/report.md.j2", "auditor/templates/inventory.md.j2"} <= templates <= names
    assert "auditor/schemas/report.schema.json" in names  # the JSON report's published schema
    demo_files = {f"auditor/demo/{name}" for name in ("platform.sql", "ourvidz.sql", "drift.sql", "inventory.yaml")}
    assert demo_files <= names
    demo_docs = {f"auditor/demo/docs/database/{p.name}" for p in (REPO / "docs" / "database").glob("*.md")}
    assert demo_docs and demo_docs <= names  # the bundled inventory's docs folder, for the demo
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "auditor = auditor.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()

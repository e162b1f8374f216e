"""Text from outside reaches a person through one function (render.values.visible): every
character that is invisible or drives a terminal is shown as an escape, in every report format
and on stderr, so `pro<zero width space>files` never reads as `profiles` and a server's error
cannot send an OSC 8 link or a bidi override to the terminal.
"""

from __future__ import annotations

import json
import sys
import unicodedata
from pathlib import Path
from urllib.parse import quote

import pytest
from psycopg import sql
from psycopg.conninfo import make_conninfo

from auditor.render.values import json_visible, visible
from tests import pg
from tests.conftest import run_auditor

ZERO_WIDTH = "pro\u200bfiles"
TRICKS = {  # name -> what a reader must see instead
    ZERO_WIDTH: "pro\\u200bfiles",
    "pro\u200dfiles": "pro\\u200dfiles",  # zero width joiner
    "pro\u2028files": "pro\\u2028files",  # line separator
    "pro\u2029files": "pro\\u2029files",  # paragraph separator
    "pro\u200efiles": "pro\\u200efiles",  # left-to-right mark
    "pro\u200ffiles": "pro\\u200ffiles",  # right-to-left mark
    "\ufeffprofiles": "\\ufeffprofiles",  # byte order mark
    "pro\u00adfiles": "pro\\xadfiles",  # soft hyphen
    "pro\u2066files\u2069": "pro\\u2066files\\u2069",  # isolate
    "pro\u202efiles": "pro\\u202efiles",  # right-to-left override
    "pro\u00a0files": "pro\\xa0files",  # no-break space
    "pro\u3164files": "pro\\u3164files",  # hangul filler
    "pro\U000e0041files": "pro\\U000e0041files",  # tag character
}
OSC8 = "\x1b]8;;https://evil.example\x07click\x1b]8;;\x07"
OUTPUT_CONTROL = ("\x1b", "\x07", "\u200b", "\u202e", "\u2028")


def test_every_invisible_category_is_escaped() -> None:
    """Unicode's control, format, separator and space characters (but the ASCII space and
    newlines) are all escaped: the hand-written character class misses none."""
    missed = [
        f"U+{code:04X}"
        for code in range(sys.maxunicode + 1)
        if unicodedata.category(chr(code)) in ("Cc", "Cf", "Zl", "Zp", "Zs")
        and chr(code) not in " \n\r"
        and visible(chr(code), newlines=True) == chr(code)
    ]
    assert not missed, missed


@pytest.mark.parametrize(("name", "shown"), TRICKS.items())
def test_visible_shows_what_a_name_holds(name: str, shown: str) -> None:
    assert visible(name) == shown
    document = json_visible(json.dumps({"name": name}, ensure_ascii=False))
    assert json.loads(document) == {"name": name}  # the value is exact for machines
    assert all(c.isascii() or c.isprintable() for c in document)  # and every character of it shows


@pytest.fixture
def tricked_db(ourvidz_db: str) -> str:
    """The OurVidz database with undeclared tables named to look like `profiles`."""
    for name in TRICKS:
        pg.execute(ourvidz_db, sql.SQL("create table public.{} (id int)").format(sql.Identifier(name)))
    return ourvidz_db


def test_every_format_shows_the_invisible_characters(tricked_db: str, tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    files = {fmt: tmp_path / f"audit.{fmt}" for fmt in ("markdown", "json", "junit", "sarif")}
    options = [arg for fmt, path in files.items() for arg in (f"--{fmt}", str(path))]
    outputs = {}
    for fmt in ("terminal", "markdown", "json", "junit", "sarif"):
        result = run_auditor("audit", "--db-url", tricked_db, "-f", fmt, "--fail-on", "never", env={"COLUMNS": "300"})
        assert result.returncode == 0, result.stderr
        outputs[f"stdout {fmt}"] = result.stdout
    result = run_auditor(
        "audit", "--db-url", tricked_db, "--github", *options, env={"GITHUB_STEP_SUMMARY": str(summary)}
    )
    outputs["annotations"] = result.stdout
    outputs |= {str(path): path.read_text() for path in [*files.values(), summary]}
    for where, text in outputs.items():
        for control in OUTPUT_CONTROL:
            assert control not in text, f"{where} holds {control!r}"
        for name, shown in TRICKS.items():
            if where.endswith(("json", "sarif")):
                assert json.dumps(name)[1:-1] in text, (where, shown)  # the JSON escape, e.g. \u200b
            else:  # markdown may escape the backslash itself
                assert shown in text or shown.replace("\\", "\\\\") in text, (where, shown)
    report = json.loads(files["json"].read_text())
    assert {f["name"] for f in report["findings"]} >= set(TRICKS)  # JSON gives back the exact names


def test_stderr_shows_a_server_s_error_text_escaped(server: str) -> None:
    """A database name with an OSC 8 link and a bidi override, quoted back in the server's error."""
    name = f"no_such_{OSC8}\u202edb"
    result = run_auditor("audit", "--db-url", make_conninfo(server, dbname=name), "--connect-retries", "0")
    assert result.returncode == 3, result.stderr
    assert "does not exist" in result.stderr
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr and "\u202e" not in result.stderr
    assert "\\x1b]8;;https://evil.example\\x07click" in result.stderr and "\\u202edb" in result.stderr


@pytest.mark.parametrize("name", [f"prod{OSC8}", "pro\u200bd", "\x1b[2Jprod"])
def test_stderr_shows_a_name_from_the_command_line_escaped(name: str) -> None:
    result = run_auditor("audit", "--env", name)
    assert result.returncode == 2
    assert result.stderr.startswith("error: Unknown environment 'prod") or "Unknown environment '" in result.stderr
    for control in OUTPUT_CONTROL:
        assert control not in result.stderr, repr(result.stderr)
    assert visible(name) in result.stderr


def test_a_url_quoting_escape_sequences_is_shown_escaped() -> None:
    url = f"postgresql://nobody@127.0.0.1:1/{quote(OSC8, safe='')}"
    result = run_auditor("audit", "--db-url", url, "--connect-retries", "0")
    assert result.returncode == 3, result.stderr
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr


@pytest.mark.parametrize(
    ("args", "shown"),
    [
        (["--forma\u200bt", "json"], "No such option: --forma\\u200bt"),
        (["x\u202ey"], "(x\\u202ey)"),
        (["--forma\x1bt"], "No such option: --forma\\x1bt"),
        (["--format", "js\u2066on"], "'js\\u2066on' is not one of"),
        (["--x\nerror: fake"], "--x\\x0aerror: fake"),
    ],
)
def test_a_usage_error_shows_the_command_line_escaped(args: list[str], shown: str) -> None:
    """click escapes control characters only: the rest is shown by visible, as the reports show it."""
    result = run_auditor("audit", *args)
    assert result.returncode == 2, result.stderr
    assert shown in result.stderr, result.stderr
    for control in OUTPUT_CONTROL:
        assert control not in result.stderr, repr(result.stderr)

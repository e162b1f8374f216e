"""The page corpus (tests/doc_corpus): pages in the styles real projects write, each with the reading
a person expects in a sidecar file (`NN-name.expected.yaml`), judged against a real database.

Every page must be read exactly as its sidecar says (columns, whether they are all of them,
counts, bucket settings, stub or not, the lines statements are on), including pages that must
yield no column; and against schema.sql each page must get exactly the finding its sidecar names:
no false doc-stale, no false doc-stub, none missed.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import pytest
import yaml

from auditor.catalog.postgres import read_catalog
from auditor.docs.compare import DocsStatus, docs_status
from auditor.docs.reading import Reading
from auditor.docs.source import load_docs_inputs
from auditor.sizes import parse_size
from tests import pg

CORPUS = Path(__file__).parent / "doc_corpus"
PAGES = sorted(p.name for p in (CORPUS / "pages").glob("*.md"))


def expected(page: str) -> dict:
    return yaml.safe_load((CORPUS / "pages" / page.replace(".md", ".expected.yaml")).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def offline() -> DocsStatus:
    inputs = load_docs_inputs(CORPUS / "inventory.yaml")
    return docs_status(inputs.inventory, inputs.docs)


@pytest.fixture(scope="module")
def live(server: str):
    inputs = load_docs_inputs(CORPUS / "inventory.yaml")
    with pg.fresh_database(server, "auditor_corpus") as url:
        pg.execute(url, (files("auditor") / "demo" / "platform.sql").read_text(encoding="utf-8"))
        pg.execute(url, (CORPUS / "schema.sql").read_text(encoding="utf-8"))
        catalog = read_catalog(url, inputs.inventory.schemas, environment="corpus")
    return docs_status(inputs.inventory, inputs.docs, catalog)


def test_the_corpus_has_25_pages_or_more_each_with_its_sidecar() -> None:
    assert len(PAGES) >= 25
    sidecars = sorted(p.name for p in (CORPUS / "pages").glob("*.expected.yaml"))
    assert sidecars == [p.replace(".md", ".expected.yaml") for p in PAGES]


@pytest.mark.parametrize("page", PAGES)
def test_every_page_is_read_as_its_sidecar_says(offline: DocsStatus, page: str) -> None:
    want = expected(page)
    status = offline.page(page)
    assert status is not None
    about = want.get("about", list(want["read"]))
    assert [f"{r.kind} {r.name}" for r in status.refs] == about
    assert (status.stub is not None) == want["stub"], status.stub
    readings = {f"{r.ref.kind} {r.ref.name}": r for r in status.readings}
    assert set(readings) == set(want["read"])
    for ref, facts in want["read"].items():
        got = said(readings[ref])
        lines = got.pop("lines")
        assert got == normalized(facts), f"{page}: {ref}"
        for key, line in facts.get("lines", {}).items():  # the line the first statement of each kind is on
            assert lines.get(key) == line, f"{page}: {ref}: {key}"


def said(reading: Reading) -> dict:
    """A reading in the sidecar's terms."""
    facts: dict = {}
    if reading.of("columns"):
        facts["columns"] = list(dict.fromkeys(name for s in reading.of("columns") for name, _ in s.value))
        facts["complete"] = reading.complete
    if reading.of("column_count"):
        facts["count"] = [s.value for s in reading.of("column_count")]
    for field in ("public", "file_size_limit", "allowed_mime_types"):
        values = [s.value for s in reading.of(field)]
        if values:
            assert len(values) == 1, values
            facts[field] = values[0]
    lines = {"columns": [s.line for s in reading.of("columns")], "count": [s.line for s in reading.of("column_count")]}
    facts["lines"] = {key: value[0] for key, value in lines.items() if value}
    return facts


def normalized(facts: dict) -> dict:
    """The sidecar's facts as a reading gives them (sizes in bytes, MIME types a sorted tuple)."""
    facts = {key: value for key, value in facts.items() if key != "lines"}
    if isinstance(facts.get("file_size_limit"), str):
        facts["file_size_limit"] = parse_size(facts["file_size_limit"])
    if isinstance(facts.get("allowed_mime_types"), list):
        facts["allowed_mime_types"] = tuple(sorted(facts["allowed_mime_types"]))
    return facts


def test_against_the_database_each_page_gets_the_finding_its_sidecar_names(live: DocsStatus) -> None:
    got = {page: (live.page(page).finding.rule if live.page(page).finding else None) for page in PAGES}
    want = {page: expected(page)["finding"] for page in PAGES}
    assert got == want
    assert sorted(f.name for f in live.findings) == sorted(p for p, rule in want.items() if rule)  # nothing else


def test_a_stale_finding_names_each_difference_and_its_line(live: DocsStatus) -> None:
    by_page = {f.name: f for f in live.findings}
    accounts = by_page["11-accounts.md"]
    assert accounts.message == (
        "11-accounts.md is out of date: it lists plan (line 12), which accounts does not have; "
        "its column list (line 8) leaves out tier."
    )
    assert (accounts.path, accounts.line, accounts.about) == ("pages/11-accounts.md", 8, "accounts")
    exports = by_page["22-exports.md"]
    assert exports.message == "22-exports.md is out of date: exports has 7 columns, the page says 6 (line 6)."
    assert (exports.expected, exports.actual, exports.line) == (6, 7, 6)  # raw: the count stated, the table's
    webhooks = by_page["20-webhooks.md"]
    assert webhooks.about == "webhook_deliveries"
    assert "response_code (line 22)" in webhooks.message and "leaves out status_code" in webhooks.message
    thumbnails = by_page["91-thumbnails.md"]
    assert thumbnails.message == (
        "91-thumbnails.md is out of date: thumbnails allows 5MiB per file, the page says 2MB (line 9)."
    )
    assert (thumbnails.expected, thumbnails.actual, thumbnails.line) == (
        {"file_size_limit": 2_000_000},  # the page says 2MB
        {"file_size_limit": 5 * 1024 * 1024},
        9,
    )
    assert by_page["34-coupons.md"].message == (
        "34-coupons.md is out of date: its column list (line 7) leaves out max_uses."
    )
    assert by_page["96-uploads.md"].message == (  # under 200 bytes, and what it states is checked
        "96-uploads.md is out of date: uploads allows 5MB per file, the page says 2MB (line 8); "
        "uploads allows image/jpeg, image/png, image/webp, the page says image/jpeg, image/png (line 9)."
    )
    refunds = live.page("35-refunds.md").readings[0]
    assert [(k.line, k.what, k.why) for k in refunds.skipped] == [(4, '"9 columns"', "said of invoices, not refunds")]
    stub = by_page["26-notifications.md"]
    assert stub.rule == "doc-stub" and stub.line == 5

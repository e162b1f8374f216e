"""The rules reference: `auditor rules`, `auditor rules CODE` and docs/rules.md, generated from
the registry (auditor.drift.rules.RULES), with every rule's entry complete and its "how to
accept" true to what `auditor accept` and `auditor snapshot --update` do."""

from __future__ import annotations

import json
import re

import pytest
from markdown_it import MarkdownIt

from auditor.drift.rules import RULES
from auditor.model import KINDS, Rule, Severity
from auditor.reference import indexed, markdown_text, rule_data, rule_entry, rules_index
from auditor.snapshot.entries import WRITERS
from auditor.snapshot.update import ACCEPT_ONLY, EXPOSURE_RULES, Planner
from tests.conftest import REPO, run_auditor

RULES_MD = REPO / "docs" / "rules.md"
LABELS = ("What it catches: ", "Why it matters: ", "How to fix: ", "How to accept: ")


# --- the registry ------------------------------------------------------------------------


@pytest.mark.parametrize("rule", RULES.values(), ids=lambda rule: rule.code)
def test_every_rule_has_its_whole_entry(rule: Rule) -> None:
    for name in ("catches", "why", "hint", "accept"):
        text = getattr(rule, name)
        assert text and text == text.strip() and text.endswith("."), f"{rule.code}.{name}: {text!r}"
        assert "  " not in text, f"{rule.code}.{name}: {text!r}"
    assert rule.kind in {kind.name for kind in KINDS}
    assert bool(rule.linter) == bool(re.fullmatch(r"\d{4} [a-z_]+", rule.linter))


def test_a_rule_cannot_be_made_without_its_explanations() -> None:
    with pytest.raises(TypeError, match="why"):
        Rule("x-y", Severity.ERROR, "table", "Fix it.", catches="X.", accept="Y.")  # type: ignore[call-arg]


def edits(rule: Rule) -> tuple[bool, bool]:
    """(whether `auditor accept` has an edit of inventory.yaml for the rule, whether `auditor
    snapshot --update` makes it too), as auditor.snapshot.update's Planner decides."""
    handler = (
        hasattr(Planner, "_" + rule.code.replace("-", "_"))
        or (rule.kind in WRITERS and rule.code.endswith(("-undeclared", "-missing")))
        or rule.code in EXPOSURE_RULES
    )
    refreshed = handler and rule.code not in ACCEPT_ONLY and "security" not in rule.tags
    return handler, refreshed


@pytest.mark.parametrize("rule", RULES.values(), ids=lambda rule: rule.code)
def test_how_to_accept_says_what_accept_and_snapshot_update_do(rule: Rule) -> None:
    accepted, refreshed = edits(rule)
    assert (f"`auditor accept {rule.code} " in rule.accept) == accepted, rule.accept
    assert ("--reason TEXT" in rule.accept) == (accepted and "security" in rule.tags and rule.code in _REASONED)
    if refreshed:
        assert "`auditor snapshot --update`" in rule.accept and "never" not in rule.accept, rule.accept
    elif accepted:
        assert "`auditor snapshot --update` never" in rule.accept, rule.accept
    else:
        assert rule.accept.startswith(("It cannot be accepted", "By hand")), rule.accept


_REASONED = (*EXPOSURE_RULES, "rls-no-policy", "policy-always-true")
"""The security rules whose accept asks for --reason (Planner.given_reason)."""


# --- auditor rules ------------------------------------------------------------------------


def test_auditor_rules_lists_every_rule_in_80_columns() -> None:
    result = run_auditor("rules")
    assert result.returncode == 0, result.stderr
    header, *lines = result.stdout.splitlines()
    assert header.split() == ["CODE", "SEVERITY", "KIND", "TAGS"]
    assert max(len(line) for line in result.stdout.splitlines()) <= 80
    listed = {}
    for line in lines:
        code, severity, rest = line.split(maxsplit=2)
        listed[code] = (severity, rest)
    assert sorted(listed) == sorted(RULES) and len(lines) == len(RULES)
    for code, (severity, rest) in listed.items():
        rule = RULES[code]
        assert severity == rule.severity.value
        assert rest.split("  ")[0] == rule.kind and rest.endswith("security") == ("security" in rule.tags)


@pytest.mark.parametrize("code", ["column-count", "function-definer-anon", "doc-stale", "bucket-listable"])
def test_auditor_rules_code_prints_the_entry_docs_rules_md_holds(code: str) -> None:
    result = run_auditor("rules", code)
    assert result.returncode == 0, result.stderr
    rule = RULES[code]
    assert result.stdout.startswith(f"{code}: severity {rule.severity.value}, kind {rule.kind}, ")
    paragraphs = result.stdout.rstrip("\n").split("\n\n")
    assert [p[: len(label)] for p, label in zip(paragraphs[1:], LABELS, strict=True)] == list(LABELS)
    flat = [" ".join(p.split()) for p in paragraphs]
    texts = (rule.catches, rule.why, rule.hint, rule.accept)
    assert flat[1:] == [label + text for label, text in zip(LABELS, texts, strict=True)]
    assert (rule.linter or "no Supabase linter rule") in flat[0]
    assert max(len(line) for line in result.stdout.splitlines()) <= 80
    assert f"### {code}\n\n{markdown_text(result.stdout)}" in RULES_MD.read_text()


def test_a_security_rule_names_its_linter_rule_and_tag() -> None:
    first = run_auditor("rules", "rls-no-policy").stdout.split("\n\n")[0]
    assert " ".join(first.split()) == (
        "rls-no-policy: severity warning, kind table, tag security, Supabase linter rule 0008 rls_enabled_no_policy."
    )


def test_json_carries_every_field_of_every_rule() -> None:
    result = run_auditor("rules", "--format", "json")
    assert result.returncode == 0, result.stderr
    listed = json.loads(result.stdout)
    assert [entry["code"] for entry in listed] == [rule.code for rule in indexed()]  # as `auditor rules` lists them
    assert {entry["code"] for entry in listed} == set(RULES)
    assert listed == [rule_data(RULES[entry["code"]]) for entry in listed]
    one = json.loads(run_auditor("rules", "policy-always-true", "-f", "json").stdout)
    assert one["linter"] == "0024 rls_policy_always_true" and one["tags"] == ["security"]
    assert one["why"] == RULES["policy-always-true"].why and one["hint"] == RULES["policy-always-true"].hint
    assert json.loads(run_auditor("rules", "column-type", "-f", "json").stdout)["linter"] is None


def test_a_mistyped_rule_gets_a_suggestion_and_exit_2() -> None:
    result = run_auditor("rules", "function-definer-anno")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == (
        "error: Unknown rule 'function-definer-anno' (auditor rules lists them all). "
        "Did you mean 'function-definer-anon'?\n"
    )
    result = run_auditor("rules", "zzz", "-f", "json")
    assert result.returncode == 2 and result.stderr == "error: Unknown rule 'zzz' (auditor rules lists them all).\n"


def test_rule_codes_complete_in_the_shell() -> None:
    env = {"_AUDITOR_COMPLETE": "complete_bash", "COMP_WORDS": "auditor rules bucket-l", "COMP_CWORD": "2"}
    result = run_auditor(env=env)
    assert result.returncode == 0 and result.stdout.split() == ["bucket-listable", "bucket-legacy-in-use"]


# --- docs/rules.md ------------------------------------------------------------------------


def test_docs_rules_md_is_current() -> None:
    assert RULES_MD.read_text() == rules_index(), "regenerate it: auditor rules --format markdown > docs/rules.md"


def test_docs_rules_md_has_one_section_per_rule_under_its_kind() -> None:
    headings = re.findall(r"^(#{2,3}) (.+)$", RULES_MD.read_text(), flags=re.MULTILINE)
    kind_of = {kind.title: kind.name for kind in KINDS}
    sections: dict[str, str] = {}
    kind = None
    for level, text in headings:
        if level == "##":
            kind = kind_of[text]
        else:
            assert text not in sections, f"{text} twice"
            sections[text] = kind
    assert sections == {code: rule.kind for code, rule in RULES.items()}
    order = [kind_of[text] for level, text in headings if level == "##"]
    assert order == [kind.name for kind in KINDS if kind.name in set(sections.values())]


def test_markdown_shows_each_entry_as_written() -> None:
    """Every rule section is paragraphs of plain text and code spans, whose text is the entry's:
    no word of it taken for emphasis, a list, a heading or an HTML tag (`<name>`)."""
    tokens = MarkdownIt("commonmark").parse(RULES_MD.read_text())
    shown: dict[str, list[str]] = {}
    current = None
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            title = tokens[index + 1].content
            current = title if token.tag == "h3" else None
            if current:
                shown[current] = []
        elif current and token.type == "inline" and tokens[index - 1].type == "paragraph_open":
            parts = []
            for child in token.children:
                assert child.type in ("text", "code_inline", "softbreak"), (current, child.type, child.content)
                parts.append(" " if child.type == "softbreak" else child.content)
            shown[current].append("".join(parts))
        elif current and token.type not in ("paragraph_open", "paragraph_close", "inline", "heading_close"):
            pytest.fail(f"{current}: a {token.type} in the section")
    assert set(shown) == set(RULES)
    for code, paragraphs in shown.items():
        written = [" ".join(p.replace("`", "").split()) for p in rule_entry(RULES[code]).split("\n\n")]
        assert paragraphs == written, code

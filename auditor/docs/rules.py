"""The documentation rules: stable codes, severity and hint, registered in auditor.drift.RULES."""

from __future__ import annotations

from auditor.model import Finding, Rule, Severity

DOC_RULES = (
    Rule(
        "doc-folder-missing",
        Severity.ERROR,
        "doc",
        "Correct docs.folder in inventory.yaml if the pages live elsewhere; else create the folder and write "
        "the pages (auditor docs scaffold drafts them).",
        catches="The docs folder (`docs.folder`, relative to inventory.yaml) does not exist, while the inventory "
        "says at least one object is documented.",
        why="No page can be checked: usually the folder was moved or renamed and `docs.folder` still names the "
        "old place.",
        accept="It cannot be accepted: point `docs.folder` at the pages, or, for a project that keeps no pages, "
        "take `doc:` off the objects (the default is `doc: false`).",
    ),
    Rule(
        "doc-missing",
        Severity.ERROR,
        "doc",
        "Write the doc (auditor docs scaffold drafts it), or set doc: false in inventory.yaml.",
        catches="An object the inventory says is documented (`doc: true`, found as `NN-<name>.md`, or `doc: "
        "FILE`) whose page is not in the docs folder.",
        why="The inventory promises a page nobody can find: links to it are dead, and the inventory document "
        "overstates how much is documented.",
        accept="`auditor accept doc-missing OBJECT` writes `doc: false` on its entry. `auditor snapshot --update` "
        "never does: whether a page may stay unwritten is a person's decision.",
    ),
    Rule(
        "doc-undeclared",
        Severity.WARNING,
        "doc",
        "Set doc: true (or the file name) for the object in inventory.yaml, or delete the file.",
        catches="A page, found by its file name, about an object whose entry says it has none (`doc: false`, the "
        "default).",
        why="The inventory and the folder disagree: the inventory document lists the object as undocumented, so "
        "readers do not look for the page that exists.",
        accept="`auditor accept doc-undeclared PAGE` writes `doc: PAGE` on the object's entry, and so does "
        "`auditor snapshot --update`.",
    ),
    Rule(
        "doc-orphan",
        Severity.WARNING,
        "doc",
        "The page is about an object that is neither declared nor in the database: delete or rename it.",
        catches="A page named `NN-<name>.md` whose name is no object the inventory declares (nor, with a "
        "database, one it holds). Pages numbered in a range no group uses, and files without an `NN-` prefix, "
        "are about no object and are not checked.",
        why="A page about a dropped or renamed object misleads whoever finds it, and nothing checks it any more.",
        accept="It cannot be accepted: delete the page, rename it after the object it is about, or move it into "
        "a range no group uses if it is a meta page.",
    ),
    Rule(
        "doc-misnumbered",
        Severity.WARNING,
        "doc",
        "Rename the file into its group's number range (docs.naming / groups.*.docs in inventory.yaml).",
        catches="A page found by its file name whose number is outside its object's group range "
        "(`groups.*.docs`). A page the inventory names with `doc: FILE` is taken as named.",
        why="Numbers order the folder by group, so a page out of its range sits among another group's pages, "
        "where its readers do not look.",
        accept="By hand (`auditor accept` has no edit for it): name the page on the object's entry with `doc: "
        "FILE`, which the numbering does not govern.",
    ),
    Rule(
        "doc-duplicate",
        Severity.WARNING,
        "doc",
        "Keep one doc per object: merge the files into one and delete the others.",
        catches="Two or more pages about the same object, by the inventory's `doc:` or by their file names.",
        why="Readers find one page and miss the other, and the two drift apart.",
        accept="It cannot be accepted: a page found by its file name is about that object whatever `doc:` "
        "names, so merge the pages and delete (or rename) the others.",
    ),
    Rule(
        "doc-stub",
        Severity.WARNING,
        "doc",
        "Write the doc: replace the placeholder text, describe what the object holds and who uses it.",
        catches="A page that was never written: under `docs.stub_bytes` (default 200 bytes) and stating no "
        "column, count or setting; still holding a placeholder (TODO, TBD, FIXME, Coming soon, a bracketed "
        "instruction, a template's own words or column row); or mostly headings with nothing under them. "
        "Code, code spans and HTML comments are not searched.",
        why="A stub looks like documentation in the folder and in links but says nothing; coverage counts it "
        "as undocumented, and it is not checked against the database.",
        accept="It cannot be accepted: write the page, or delete it and set `doc: false` on the object.",
    ),
    Rule(
        "doc-stale",
        Severity.WARNING,
        "doc",
        "Update the page to match the database (auditor docs scaffold --env NAME rewrites generated sections; "
        "auditor docs status --explain PAGE shows what was read where).",
        catches="With a database: a page states something the database contradicts: a column count, a column "
        "the table does not have, a complete column list that leaves one out, or a bucket's visibility, size "
        "limit or MIME types. One finding per page names every difference with its line.",
        why="A wrong page is worse than none: people write queries, policies and uploads against columns and "
        "limits that are no longer there.",
        accept="It cannot be accepted: the page has to change. A page only states what it states: a count or "
        "list it does not give is never held against it.",
    ),
    Rule(
        "doc-unreadable",
        Severity.WARNING,
        "doc",
        "Make the page a regular file inside the docs folder, under 1 MiB, or move it out of the folder.",
        catches="A page that is not read: a symlink leading out of the docs folder (never followed), a FIFO, "
        "device or socket (never opened), a file over 1 MiB, or one that cannot be opened.",
        why="Nothing it says is checked, and it may not be what it seems: a symlink out of the folder can point "
        "anywhere on the machine that runs the audit.",
        accept="It cannot be accepted: make it a regular file under 1 MiB inside the folder, or move it out.",
    ),
)
_BY_CODE = {rule.code: rule for rule in DOC_RULES}


def doc_finding(
    code: str,
    name: str,
    expected: object,
    actual: object,
    message: str,
    path: str | None = None,
    line: int | None = None,
    about: str | None = None,
) -> Finding:
    """`path`: the page as reports show it; `line`: the line the finding is about; `about`: the object(s)."""
    return _BY_CODE[code].finding(name, expected, actual, message, path=path, line=line, about=about)

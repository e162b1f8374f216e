"""Exit codes of the `auditor` command, defined once.

They are part of the public interface (nightly CI jobs branch on them), so they never change.
"""

OK = 0
"""No drift at or above the `--fail-on` severity."""

DRIFT = 1
"""Drift at or above the `--fail-on` severity was found."""

USAGE = 2
"""Bad command line, bad inventory.yaml, unknown environment or missing credentials."""

UNREACHABLE = 3
"""The database (or API) could not be reached or read, or (--require-all-checks) a check could
not be made; no verdict was reached."""

INTERNAL = 4
"""A bug in the auditor: never mistaken for drift (1) by a CI job."""

FAIL_ON = ("error", "warning", "info", "security", "never")
"""The choices of `--fail-on` (and `audit.fail_on` in inventory.yaml): the lowest severity whose
findings make the exit code 1; `security`: only findings tagged security do; `never`: none."""

HELP_TEXT = (
    "Exit codes: 0 no drift at or above --fail-on; 1 drift found; "
    "2 usage or inventory error; 3 database cannot be reached or read (or, with --require-all-checks, a check "
    "could not be made); 4 internal error; 130 and 143 stopped by SIGINT or SIGTERM."
)

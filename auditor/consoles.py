"""The rich consoles the commands print with: styled on a terminal, and with no styling at all
(no colour, no bold) when NO_COLOR is set to anything but an empty string (no-color.org).

rich alone, under NO_COLOR, drops colours but keeps bold, dim and italic.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console


def console(*, stderr: bool = False) -> Console:
    from rich.console import Console

    plain = bool(os.environ.get("NO_COLOR"))
    return Console(stderr=stderr, highlight=False, color_system=None if plain else "auto")

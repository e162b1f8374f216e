"""Byte sizes as people write them in inventory.yaml, and back.

Supabase counts a megabyte as 1024 x 1024 bytes, so MB and MiB (and KB/KiB, GB/GiB) mean the same.
"""

from __future__ import annotations

import re

_UNITS = {
    "": 1,
    "b": 1,
    "kb": 1024,
    "kib": 1024,
    "mb": 1024**2,
    "mib": 1024**2,
    "gb": 1024**3,
    "gib": 1024**3,
    "tb": 1024**4,
    "tib": 1024**4,
}
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$")

SIZE_HELP = "a size in bytes or like 10MB, 10 MiB, 500KB, 1GB (MB = 1024 x 1024 bytes), or null for no limit"


def parse_size(text: str) -> int:
    """Parse '10MB', '10 MiB', '1.5 GB' or '2048' into bytes; raise ValueError otherwise."""
    match = _SIZE.match(text)
    if not match or match.group(2).lower() not in _UNITS:
        raise ValueError(f"{text!r} is not {SIZE_HELP}")
    number, unit = match.groups()
    multiplier = _UNITS[unit.lower()]
    if "." in number:
        whole, fraction = number.split(".")
        scaled = int(whole + fraction) * multiplier
        divisor = 10 ** len(fraction)
        if scaled % divisor:
            raise ValueError(f"{text!r} is not a whole number of bytes")
        return scaled // divisor
    return int(number) * multiplier


def format_size(size: int | None) -> str:
    """Human-readable size: 10485760 -> '10MB', 1500 -> '1500 bytes', None -> 'no limit'."""
    if size is None:
        return "no limit"
    for unit in ("TB", "GB", "MB", "KB"):
        factor = _UNITS[unit.lower()]
        if size >= factor and size % factor == 0:
            return f"{size // factor}{unit}"
    return f"{size} bytes"

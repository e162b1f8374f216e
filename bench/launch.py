"""Run one command and print its wall time, CPU time and peak memory as JSON.

The benchmark starts every measured command through this small process rather than directly:
a child's peak RSS (ru_maxrss) also counts the memory of the process it was forked from until
it execs, and the benchmark's own process grows past 100 MB while it reads big catalogs.

    python bench/launch.py COMMAND [ARGS...]
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time


def main() -> None:
    started = time.perf_counter()
    process = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    stderr = process.stderr.read() if process.stderr else b""
    _, status, usage = os.wait4(process.pid, 0)
    wall_ms = (time.perf_counter() - started) * 1000
    result = {
        "wall_ms": wall_ms,
        "cpu_ms": (usage.ru_utime + usage.ru_stime) * 1000,
        "peak_mb": usage.ru_maxrss / 1024,  # Linux reports kilobytes
        "exit_code": os.waitstatus_to_exitcode(status),
        "stderr": stderr.decode(errors="replace")[-2000:],
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()

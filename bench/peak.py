"""Run a command and report its peak memory: `python bench/peak.py COMMAND…` writes its CPU time (WHOLE_CPU_SECONDS=) and
PEAK_BYTES=<n> to stderr last.

Linux counts in a child's peak RSS (ru_maxrss) the memory of the process it was forked from, so a benchmark
that holds a large population in memory would inflate every figure it measures. This small process is forked
instead, and forks the command in turn: the command's peak then includes only this launcher (a few MB)."""

import os
import subprocess
import sys

process = subprocess.Popen(sys.argv[1:])
_, status, usage = os.wait4(process.pid, 0)
# CPU time of the command and of everything it waited for, all threads, start-up included.
sys.stderr.write(
    f"\nWHOLE_CPU_SECONDS={usage.ru_utime + usage.ru_stime:.3f}\nPEAK_BYTES={usage.ru_maxrss * 1024}\n"
)
sys.exit(os.waitstatus_to_exitcode(status))

"""Memory measures shared by the benchmarks (Linux; psutil for the process tree).

* ``peak_rss()``: the ``ru_maxrss`` high-water mark of this process (or of its largest
  waited-for descendant), in bytes;
* ``vm_hwm(pid)`` / ``rss(pid)``: another process's RSS high-water mark and current RSS;
* ``TreeSampler``: a thread that samples, over this process and all its descendants, the
  sum of RSS (shared pages counted once per process that maps them) and the sum of PSS
  (each shared page divided among the processes that map it, so the sum is the memory
  the tree really holds), and keeps the peak of each.
"""

from __future__ import annotations

import os
import resource
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

import psutil

__all__ = ["TreeSampler", "TreeUsage", "peak_rss", "rss", "vm_hwm"]

SAMPLE_SECONDS = 0.2


def peak_rss(who: int = resource.RUSAGE_SELF) -> int:
    """``ru_maxrss`` in bytes (KiB on Linux, bytes on macOS); ``RUSAGE_CHILDREN`` gives
    the largest descendant that has been waited for."""
    peak = resource.getrusage(who).ru_maxrss
    return int(peak if sys.platform == "darwin" else peak * 1024)


def vm_hwm(pid: int) -> int | None:
    """The process's RSS high-water mark (Linux ``VmHWM``), in bytes."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def rss(pid: int) -> int:
    return int(psutil.Process(pid).memory_info().rss)


def _pss_uss(pid: int) -> tuple[int, int] | None:
    """PSS and USS (private pages) of a process from ``/proc/PID/smaps_rollup``, in bytes."""
    fields: dict[str, int] = {}
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            name, _, rest = line.partition(":")
            if name in ("Pss", "Private_Clean", "Private_Dirty"):
                fields[name] = int(rest.split()[0]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    if "Pss" not in fields:
        return None
    return fields["Pss"], fields.get("Private_Clean", 0) + fields.get("Private_Dirty", 0)


@dataclass
class TreeUsage:
    """One sample of the process tree."""

    rss: int = 0  # sum of RSS
    pss: int = 0  # sum of PSS (0 where smaps_rollup cannot be read)
    uss: int = 0  # sum of private pages
    processes: int = 0


class TreeSampler:
    """Samples this process and its descendants every ``interval`` seconds, in a thread:
    ``peak_rss`` and ``peak_pss`` are the largest sums seen (each with its own sample)."""

    def __init__(self, interval: float = SAMPLE_SECONDS) -> None:
        self.interval = interval
        self.peak_rss = TreeUsage()
        self.peak_pss = TreeUsage()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def sample(self) -> TreeUsage:
        root = psutil.Process(os.getpid())
        usage = TreeUsage()
        for process in [root, *root.children(recursive=True)]:
            try:
                resident = process.memory_info().rss
            except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
                continue
            usage.rss += resident
            usage.processes += 1
            shares = _pss_uss(process.pid)
            if shares is not None:
                usage.pss += shares[0]
                usage.uss += shares[1]
        if usage.rss > self.peak_rss.rss:
            self.peak_rss = usage
        if usage.pss > self.peak_pss.pss:
            self.peak_pss = usage
        return usage

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)

    def __enter__(self) -> TreeSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

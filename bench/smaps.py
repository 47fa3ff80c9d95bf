"""A process's memory as Linux accounts it, for the benchmarks: from /proc/PID/smaps_rollup.

RSS counts every resident page, shared or not; PSS divides shared pages among the processes
sharing them (what smem reports); own (USS) is what no other process shares. Workers forked
after a build share its pages, so the three tell different stories.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ProcessMemory:
    """One process's memory in MB."""

    resident: float
    proportional: float
    own: float


def memory_of(pid: int | str = "self") -> ProcessMemory:
    """RSS, PSS and USS of a process ("self": this one)."""
    fields: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, value, *_ = line.split()
        fields[name.rstrip(":")] = int(value)
    own = fields.get("Private_Clean", 0) + fields.get("Private_Dirty", 0)
    return ProcessMemory(fields["Rss"] / 1024, fields["Pss"] / 1024, own / 1024)

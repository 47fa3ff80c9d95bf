"""Give memory that a floorplan's build freed back to the operating system.

Building a campus's routing makes and drops hundreds of MB of short-lived arrays and lists.
Python returns its own small-object arenas when they empty, but the C allocator (glibc)
keeps freed heap pages mapped, so a web server that forks its workers after the build
would count those pages in every worker. `release_freed_memory()` asks glibc to hand them
back; other C libraries have no such call, and there it does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys


def release_freed_memory() -> bool:
    """Return freed C-heap pages to the system (glibc's malloc_trim); whether it could."""
    if not sys.platform.startswith("linux"):
        return False
    name = ctypes.util.find_library("c")
    if name is None:
        return False
    try:
        trim = ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):  # musl and others have no malloc_trim
        return False
    trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int
    trim(0)
    return True

"""How the model's process keeps memory it frees.

A week builds and drops many arrays of hundreds of kilobytes (one row per person and
activity). glibc's malloc gives the top of its heap back to the operating system whenever
more than a few of them are free at once, and takes a page fault per 4 kB to get it back the
next week: at 10,000 people a sixth of the run's time went to that. Telling malloc to keep
what it frees (up to `KEEP_BYTES`) leaves the model's results untouched and its peak memory
the same. Elsewhere than glibc this does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import platform

M_TRIM_THRESHOLD = -1  # mallopt's parameters (glibc's malloc.h)
M_TOP_PAD = -2
M_MMAP_THRESHOLD = -3
KEEP_BYTES = 256 << 20  # free memory at the top of the heap kept rather than returned
TOP_PAD_BYTES = 16 << 20  # extra heap taken at each growth, so growth is rare
HEAP_UP_TO_BYTES = 64 << 20  # arrays below this come from the heap, not a fresh mapping


@functools.cache
def keep_freed_memory() -> bool:
    """Set glibc's malloc to keep freed memory for reuse; True if it could (once a process)."""
    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:
        return False
    return all(
        libc.mallopt(parameter, value) == 1
        for parameter, value in (
            (M_MMAP_THRESHOLD, HEAP_UP_TO_BYTES),
            (M_TRIM_THRESHOLD, KEEP_BYTES),
            (M_TOP_PAD, TOP_PAD_BYTES),
        )
    )

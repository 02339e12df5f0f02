"""Waiting in tests on a condition, never for a fixed time.

`wait_for` polls until something is true (and gives up at a deadline); `holds_for` is the one bounded wait kept
on purpose: it checks that something stays true for a whole window (that nothing happens within it), and fails
at the first moment it is not.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

POLL = 0.05


def wait_for(condition: Callable[[], T], timeout: float = 5.0, interval: float = POLL) -> T:
    """Poll `condition` until it returns something true, or `timeout` seconds passed; returns its last value
    (false when it timed out: the caller asserts on it with its own message)."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(interval)


def holds_for(condition: Callable[[], object], seconds: float, interval: float = POLL) -> bool:
    """Whether `condition` stays true for the whole of `seconds` (checked every `interval` and at the end):
    a bounded wait for something that must NOT happen within that time. Returns False at the first miss."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not condition():
            return False
        time.sleep(min(interval, max(0.0, deadline - time.monotonic())))
    return bool(condition())

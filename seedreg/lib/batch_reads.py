"""Reads made once per batch instead of once per object.

A phone's batch sync applies fifty objects one by one through the apps' services (each object
in its own transaction: one bad object never undoes the others), and each service reads again
what cannot change during the batch: the county's settings, the inspector directory's entries
of the pair, the conflicts of interest declared for a business. Inside ``batch_reads()`` such a
read goes through ``remembered(key, read)`` and is made once (or primed for the whole batch with
``prime``); outside it, ``remembered`` just reads. Only reads that nothing applied inside the
block writes may be remembered: a sync object never changes a county's settings, the
directory or a declared conflict of interest."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

_memo: ContextVar[dict | None] = ContextVar("batch_reads", default=None)


@contextmanager
def batch_reads():
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


def remembered(key: Hashable, read: Callable[[], Any], *, once: bool = False) -> Any:
    """``read()``'s value, read once per batch. ``once``: only a primed value is used, and only
    by the first read (for what the batch itself may change, such as whether a row exists yet)."""
    memo = _memo.get()
    if memo is None:
        return read()
    if once:
        return memo.pop(key) if key in memo else read()
    if key not in memo:
        memo[key] = read()
    return memo[key]


def prime(key: Hashable, value: Any) -> None:
    """Give ``key`` its value, read for many keys at once (no effect outside a batch)."""
    memo = _memo.get()
    if memo is not None:
        memo[key] = value


def active() -> bool:
    return _memo.get() is not None

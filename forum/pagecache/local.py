"""This worker's own copies of recently served pages, checked against the shared version
on every request: a hit then costs one small read of the shared cache."""

from collections import OrderedDict
from typing import Any

_every: list[OrderedDict] = []


def local_copies() -> OrderedDict:
    """A new set of copies (one per kind of page), known to `forget_local_copies`."""
    copies: OrderedDict = OrderedDict()
    _every.append(copies)
    return copies


def keep_local(key: str, entry: Any, copies: OrderedDict, most: int) -> None:
    copies[key] = entry
    copies.move_to_end(key)
    while len(copies) > most:
        copies.popitem(last=False)


def forget_local_copies() -> None:
    """Drop every copy this process holds (tests start each from an empty cache)."""
    for copies in _every:
        copies.clear()

"""This worker's own copies of recently served pages, checked against the shared version
on every request: a hit then costs one small read of the shared cache."""

from collections import OrderedDict
from typing import Any


def keep_local(key: str, entry: dict[str, Any], copies: OrderedDict, most: int) -> None:
    copies[key] = entry
    copies.move_to_end(key)
    while len(copies) > most:
        copies.popitem(last=False)

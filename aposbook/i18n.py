"""The type of interface text: a str, or a lazy translation made at import time
(`gettext_lazy`) that becomes a str in the language active when it is shown."""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise as Text
else:
    Text = str

__all__ = ["Text"]

"""allauth's wording in the site's voice: headings, titles and buttons in sentence case."""

import re

from django import template

register = template.Library()

# A capitalised word ("Sign", "Two-Factor" is two): lowered unless it starts the text.
# Names and acronyms ("AposBook", "TOTP") have other capitals and stay as they are.
_TITLE_WORD = re.compile(r"(?<=[\s-])([A-Z])([a-z]+)\b")


@register.filter(is_safe=True)
def sentence_case(text: str) -> str:
    """ "Two-Factor Authentication" -> "Two-factor authentication"; markup passes through
    unchanged (only capitals after a space or hyphen in words of one capital change).
    is_safe: Django keeps safe input safe itself; nothing here marks text safe."""
    text_str = str(text)
    first = re.search(r"[^\s-]+", text_str)  # the first word keeps its capital
    start = first.end() if first else 0
    return text_str[:start] + _TITLE_WORD.sub(
        lambda match: match.group(1).lower() + match.group(2), text_str[start:]
    )

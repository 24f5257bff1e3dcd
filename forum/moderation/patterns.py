"""Regular expressions that moderators write (watched words, crisis phrases): the one check
that refuses, in the admin and with the reason, a pattern the site cannot live with.

Three things make a pattern unusable: it does not compile; it matches an empty text (so
every comment); or it runs away. A runaway pattern ("catastrophic backtracking", such as
`(\\w+\\s*)+$`) takes seconds to minutes on one long comment, and since every new comment
is matched against the list it would stall posting for everyone. Python's `re` cannot be
interrupted, so the pattern is tried in a separate, isolated Python process on texts built
to make backtracking explode, and refused if that process has not finished within
`PROBE_SECONDS`: the admin waits a moment once, posting never does.
"""

import json
import re
import selectors
import subprocess
import sys
import time

from django.utils.translation import gettext

# The whole probe of one pattern, including starting Python (~30 ms). A well-behaved
# pattern takes milliseconds; an exponential one takes hours on the 40-character texts.
PROBE_SECONDS = 2.0
# Exponential blow-up is hours long by this length (2**40 steps), and nothing is by it.
SHORT_TEXT = 40
# Comments are at most this long (forum.validation), so a quadratic pattern is measured
# at the size it will meet.
LONG_TEXT = 5000

# Runs in the child: each pattern against its texts, one line out per pattern as soon as
# it finishes, so the parent knows which one was still running when time ran out.
_CHILD = """
import json, re, sys
for pattern, texts in json.load(sys.stdin):
    compiled = re.compile(pattern, re.IGNORECASE)
    for text in texts:
        compiled.search(text)
    print("ok", flush=True)
"""


def _probe_texts(pattern: str) -> list[str]:
    """Texts that make backtracking explode: a run of what a repetition accepts, then a
    character that makes the match fail at the very end. Runs are of common characters
    and of the pattern's own letters and words: short ones show exponential blow-up (it
    is there by 40 characters), long runs of words show polynomial blow-up at a real
    comment's length. (A 5,000-letter word is no comment, so no long run lacks spaces:
    `\\w+ing` is fine.)"""
    lowered = pattern.lower()
    letters = set(re.findall(r"[a-z]", lowered)[:12]) | {"a", "e", "1", ".", "-", "ab"}
    words = set(re.findall(r"[a-z]{2,}", lowered)[:6])
    letters |= words
    words = {word + " " for word in words} | {" ", "a ", "aa ", "a. "}
    texts = []
    for unit, lengths in [(u, (SHORT_TEXT,)) for u in sorted(letters)] + [
        (u, (SHORT_TEXT, LONG_TEXT)) for u in sorted(words)
    ]:
        for length in lengths:
            run = (unit * (length // len(unit) + 1))[:length]
            texts += [run + "!", run + "\x00"]
    return texts


def runaway_patterns(patterns: list[str], seconds: float = PROBE_SECONDS) -> list[str]:
    """The patterns (valid ones) that do not finish the probe in time, each given
    `seconds`. One child process for all of them."""
    if not patterns:
        return []
    job = json.dumps([[pattern, _probe_texts(pattern)] for pattern in patterns])
    with subprocess.Popen(  # noqa: S603 (our own interpreter, our own fixed code)
        [sys.executable, "-I", "-c", _CHILD],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    ) as child:
        assert child.stdin is not None
        child.stdin.write(job)
        child.stdin.close()
        finished = 0
        deadline = time.monotonic() + seconds
        while finished < len(patterns):
            line = _read_line_before(child, deadline)
            if line is None:
                child.kill()
                return [patterns[finished], *runaway_patterns(patterns[finished + 1 :], seconds)]
            finished += 1
            deadline = time.monotonic() + seconds
    return []


def _read_line_before(child: subprocess.Popen, deadline: float) -> str | None:
    """The child's next line, or None when the deadline passes first (or it died)."""
    assert child.stdout is not None
    with selectors.DefaultSelector() as selector:
        selector.register(child.stdout, selectors.EVENT_READ)
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not selector.select(remaining):
            return None
    line = child.stdout.readline()
    return line or None


def regex_error(pattern: str) -> str:
    """Why a moderator's regular expression cannot be used, or ''."""
    try:
        compiled = re.compile(pattern, re.IGNORECASE)
    except re.error as error:
        return gettext("This is not a valid regular expression: %(error)s.") % {"error": error}
    if compiled.search(""):
        return gettext("This pattern matches an empty text, so it would match every comment.")
    if runaway_patterns([pattern]):
        return gettext(
            "This pattern takes too long on a long comment (over %(seconds)s seconds in a "
            "test), which would hold up posting for everyone. This usually comes from a "
            "repetition inside a repetition, such as (\\w+\\s*)+: repeat the inner part "
            "once, or make it possessive (\\w++)."
        ) % {"seconds": f"{PROBE_SECONDS:g}"}
    return ""

"""The labelled respect set (tests/moderation/data/respect.tsv) and its measures."""

from pathlib import Path

DATA = Path(__file__).parent / "data" / "respect.tsv"
# Written in December 2026 by a helper who saw neither the signal nor the first set, and
# never used to tune it: the honest figure.
HELD_OUT = Path(__file__).parent / "data" / "respect_held_out.tsv"


def rows(path: Path = DATA) -> list[tuple[bool, str, str]]:
    """(disrespectful, category, text); "\\n" in the file is a line break."""
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith(("#", "label\t")):
            continue
        label, category, text = line.split("\t", 2)
        found.append((label == "1", category, text.replace("\\n", "\n")))
    return found


def measure(flagged, path: Path = DATA) -> tuple[float, float, list[str], list[str]]:
    """Precision, recall, false positives and misses of `flagged(text) -> bool`."""
    tp = fp = fn = 0
    false_positives, misses = [], []
    for positive, category, text in rows(path):
        hit = flagged(text)
        if hit and positive:
            tp += 1
        elif hit:
            fp += 1
            false_positives.append(f"{category}: {text}")
        elif positive:
            fn += 1
            misses.append(f"{category}: {text}")
    precision = tp / (tp + fp) if tp + fp else 1.0
    return precision, tp / (tp + fn), false_positives, misses

"""Train the shipped crisis-language model again from the labelled sets (issue 19).

Run after adding rows to a training set; commit the weights file it writes. The sets
kept for measuring (crisis_language_held_out.tsv and crisis_fresh/test_*.tsv) are never
read here: the figures in the README are on text the model has not seen.
"""

import csv
import re
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from forum.moderation import crisis, crisis_model
from forum.moderation.crisis_defaults import DEFAULT_PHRASES

DATA = Path(settings.BASE_DIR) / "tests" / "moderation" / "data"


def training_sets() -> list[Path]:
    return [DATA / "crisis_language.tsv", *sorted((DATA / "crisis_fresh").glob("batch_*.tsv"))]


def read_set(path: Path) -> list[tuple[str, int]]:
    """(text, label) rows of a labelled set: a header, then label, category, text."""
    with path.open(encoding="utf-8") as handle:
        rows = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        return [(row["text"], int(row["label"])) for row in rows]


def article_sentences() -> list[tuple[str, int]]:
    """The articles' own sentences, as text that is not crisis language: comments quote
    them ("overdose", "death", "suicide" appear in evidence writing)."""
    paths = sorted((Path(settings.BASE_DIR) / "articles" / "content").glob("*.md"))
    return [
        (sentence, 0)
        for path in paths
        for sentence in re.split(r"(?<=[.!?])\s+|\n", path.read_text(encoding="utf-8"))
        if re.search(r"[a-z]{3}", sentence)
    ]


def prepare(text: str) -> tuple[str, bool]:
    """The text as the model sees it on the site, and whether a crisis phrase matched:
    normalized, the shipped safe phrases blanked (crisis._find does the same with the
    moderators' list)."""
    safe, phrases = _shipped_phrases()
    searched = crisis.blank_safe(crisis.normalize(text).text, safe)
    return searched, any(phrase.search(searched) for phrase in phrases)


@lru_cache(maxsize=1)
def _shipped_phrases() -> tuple[list[re.Pattern], list[re.Pattern]]:
    safe: list[re.Pattern] = []
    phrases: list[re.Pattern] = []
    for pattern, kind, _language, _note in DEFAULT_PHRASES:
        (safe if kind == "safe" else phrases).append(crisis.compile_phrase(pattern, True))
    return safe, phrases


def train() -> crisis_model.Model:
    rows = [row for path in training_sets() for row in read_set(path)] + article_sentences()
    examples = [(*prepare(text), label) for text, label in rows]
    return crisis_model.train(examples, threshold=crisis_model.THRESHOLD)


class Command(BaseCommand):
    help = "Train the crisis-language model from the labelled sets and write its weights."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--output", type=Path, default=crisis_model.WEIGHTS)

    def handle(self, *args, output: Path, **options) -> None:
        paths = training_sets()
        if missing := [str(path) for path in paths if not path.exists()]:
            raise CommandError(f"Missing training sets: {', '.join(missing)}")
        model = train()
        size = crisis_model.save(model, output)
        self.stdout.write(
            f"Trained on {len(paths)} sets; {len(model.weights)} features, "
            f"{size // 1024} KB written to {output}."
        )

"""A small shipped model for the crisis language the phrase list misses (issue 19).

Phrases catch what people say outright ("I want to end my life"); most crisis language
on a patient forum is implicit ("I've written letters to my kids, just in case"), and a
list written by hand finds under half of it in text its authors never saw. This is a
logistic regression over words and word pairs, trained on the labelled
sets in tests/moderation/data (`manage.py train_crisis_model`), in plain Python: no
numpy, nothing downloaded, nothing sent anywhere. Its weights ship beside it in
crisis_model.json. It reads the text crisis.normalize() makes, so disguises and typos
are undone before it sees them.

It only ever adds a "Possible crisis" item for a person to look at and shows the member
support resources; it never refuses or hides a comment.
"""

from __future__ import annotations

import itertools
import json
import math
import random
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

WEIGHTS = Path(__file__).with_name("crisis_model.json")
# The score from which a text reads as crisis language. Chosen on the training sets'
# figures and checked on the unseen ones (README, "Crisis language"): lower finds more
# and prompts more people who are not in crisis.
THRESHOLD = 0.5
# How little the weights are held back (L2 of 1/(STRENGTH * N)): 0.3, 1 and 3 were
# compared by 5-fold cross-validation on the training sets; 1 found the most for the
# false prompts it cost.
STRENGTH = 1.0
# A text counts as having at least this many features (`_scale`): without it, two or
# three words of a short ordinary comment ("I'm going to the garden centre on Sunday")
# could carry it over the threshold. 1, 12, 20 and 30 were compared by cross-validation
# on the training sets: 12 kept the recall and cut the false prompts.
SHORTEST = 12
# (normalized text, whether a crisis phrase of the list matched, 1 for crisis / 0 not)
Example = tuple[str, bool, int]
_WORD = re.compile(r"[a-z0-9]+")
# Sentences of the member's text, for showing moderators which part read as crisis.
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]*")


def features(normalized: str) -> set[str]:
    """What the model reads: each word and each pair of neighbouring words.

    Letter groups (3-5 letters of each word, for typos) were tried and measured worse on
    both the cross-validated training sets and the unseen ones: normalize() already undoes
    the disguises, and letter groups let the model learn spelling instead of meaning."""
    words = _WORD.findall(normalized)
    found = {"w:" + word for word in words}
    found.update(f"b:{first} {second}" for first, second in itertools.pairwise(words))
    return found


@dataclass(frozen=True)
class Model:
    weights: dict[str, float]
    bias: float
    # What a match of a crisis phrase adds, on its own (not shared out over the text's
    # features like a word): a moderator's new phrase counts in an ordinary sentence,
    # while context the model knows can still outweigh it ("I didn't want to wake up"
    # told as a recovery, "eight months later, doing better").
    phrase: float
    threshold: float

    def score(self, normalized: str, phrase: bool = False) -> float:
        """How much the text reads like crisis language, from 0 to 1; `phrase` says a
        crisis phrase of the list matched it."""
        known = [self.weights[f] for f in features(normalized) if f in self.weights]
        value = self.bias + (self.phrase if phrase else 0.0)
        if known:
            value += sum(known) * _scale(len(known))
        return _sigmoid(value)

    def strongest_sentence(self, normalized: str) -> tuple[int, int]:
        """Where, in the normalized text, the sentence that reads most like crisis is."""
        sentences = [m for m in _SENTENCE.finditer(normalized) if _WORD.search(m.group(0))]
        if not sentences:
            return 0, len(normalized)
        best = max(sentences, key=lambda m: self.score(m.group(0)))
        start, end = best.span()
        while start < end and normalized[start].isspace():
            start += 1
        while end > start and normalized[end - 1].isspace():
            end -= 1
        return start, end


def _scale(count: int) -> float:
    """How much each known feature of a text counts: shared out over the text's features
    (a long comment is not crisis for having many words), as if it had at least
    SHORTEST features, so two or three words cannot carry a short text on their own."""
    return 1 / math.sqrt(max(count, SHORTEST)) if count else 0.0


def _sigmoid(value: float) -> float:
    if value < -30:
        return 0.0
    return 1 / (1 + math.exp(-value))


@lru_cache(maxsize=1)
def shipped() -> Model:
    data = json.loads(WEIGHTS.read_text(encoding="utf-8"))
    return Model(
        weights=data["weights"],
        bias=data["bias"],
        phrase=data["phrase"],
        threshold=data["threshold"],
    )


def train(
    examples: Sequence[Example],
    *,
    epochs: int = 30,
    rate: float = 0.5,
    strength: float = STRENGTH,
    seed: int = 1,
    threshold: float = THRESHOLD,
) -> Model:
    """Fit a model to examples: (normalized text, whether a phrase matched, 1 for
    crisis / 0 for not).

    Logistic regression by Adagrad, with L2 regularization of 1/(strength * N); a
    feature seen in only one example is dropped (it would only memorize that row).
    Deterministic for a given seed, so training again on the same sets gives the same
    weights file."""
    rows = [(sorted(features(text)), phrase, label) for text, phrase, label in examples]
    seen: dict[str, int] = {}
    for names, _phrase, _label in rows:
        for name in names:
            seen[name] = seen.get(name, 0) + 1
    kept = [([n for n in names if seen[n] >= 2], phrase, label) for names, phrase, label in rows]
    weights: dict[str, float] = dict.fromkeys((n for n in seen if seen[n] >= 2), 0.0)
    squares: dict[str, float] = dict.fromkeys(weights, 1e-8)
    # The bias and the phrase's weight are learnt like the others, unregularized.
    extra = {"bias": 0.0, "phrase": 0.0}
    extra_squares = {"bias": 1e-8, "phrase": 1e-8}
    penalty = 1 / (strength * len(kept))
    order = list(range(len(kept)))
    # A seeded order, so training again gives the same weights (not a secret).
    shuffle = random.Random(seed).shuffle  # noqa: S311
    for _epoch in range(epochs):
        shuffle(order)
        for index in order:
            names, phrase, label = kept[index]
            scale = _scale(len(names))
            value = extra["bias"] + (extra["phrase"] if phrase else 0.0)
            error = _sigmoid(value + scale * sum(weights[n] for n in names)) - label
            for name in names:
                gradient = error * scale + penalty * weights[name]
                squares[name] += gradient * gradient
                weights[name] -= rate * gradient / math.sqrt(squares[name])
            for name in ("bias", "phrase") if phrase else ("bias",):
                extra_squares[name] += error * error
                extra[name] -= rate * error / math.sqrt(extra_squares[name])
    return Model(weights, extra["bias"], extra["phrase"], threshold)


def save(model: Model, path: Path = WEIGHTS, *, smallest: float = 1e-3) -> int:
    """Write the weights file (weights under `smallest` left out); returns its size."""
    weights = {
        name: round(value, 4)
        for name, value in sorted(model.weights.items())
        if abs(value) >= smallest
    }
    text = json.dumps(
        {
            "bias": round(model.bias, 4),
            "phrase": round(model.phrase, 4),
            "threshold": model.threshold,
            "weights": weights,
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )
    path.write_text(text + "\n", encoding="utf-8")
    return len(text)


def measure(model: Model, examples: Iterable[Example]) -> tuple[float, float]:
    """Recall on the crisis rows and the share of the others prompted, at the threshold."""
    hits = {0: 0, 1: 0}
    counts = {0: 0, 1: 0}
    for text, phrase, label in examples:
        counts[label] += 1
        hits[label] += model.score(text, phrase) >= model.threshold
    return hits[1] / max(counts[1], 1), hits[0] / max(counts[0], 1)

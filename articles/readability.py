"""How hard an article is to read: Flesch reading ease and the Flesch-Kincaid grade.

Computed offline with a syllable counter of our own (English spelling rules plus a short
list of words they get wrong), tested on a word list with dictionary syllable counts and
on published examples (tests/articles/test_readability.py). The formulas:

    Flesch reading ease     = 206.835 - 1.015 (words / sentences) - 84.6 (syllables / words)
    Flesch-Kincaid grade    = 0.39 (words / sentences) + 11.8 (syllables / words) - 15.59

(Kincaid, Fishburne, Rogers & Chissom 1975, for the US Navy). Patient material is
advised at grade 6 to 8.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

# Words whose spelling misleads the rules below, with their dictionary syllable counts.
_EXCEPTIONS = {
    "every": 2,
    "evening": 2,
    "different": 3,
    "several": 3,
    "business": 2,
    "interest": 3,
    "interesting": 4,
    "people": 2,
    "science": 2,
    "scientist": 3,
    "scientists": 3,
    "scientific": 4,
    "quiet": 2,
    "diet": 2,
    "diets": 2,
    "society": 4,
    "being": 2,
    "doing": 2,
    "going": 2,
    "seeing": 2,
    "create": 2,
    "created": 3,
    "area": 3,
    "idea": 3,
    "ideas": 3,
    "real": 1,
    "really": 2,
    "naive": 2,
    "poem": 2,
    "the": 1,
    "fire": 1,
    "hour": 1,
    "our": 1,
    "chocolate": 3,
    "vegetable": 4,
    "comfortable": 4,
    "family": 3,
    "camera": 3,
    "average": 3,
    "evidence": 3,
    "aspartate": 3,
    "magnesium": 4,
    "fibromyalgia": 5,
    "supplementation": 5,
    "platypus": 3,
}

_VOWEL_GROUPS = re.compile(r"[aeiouy]+")
# Vowel pairs read as two syllables ("me-di-um", "vi-de-o", "ac-tu-al", "cre-ate").
_SPLIT_PAIRS = re.compile(r"ia|iu|io|eo|ua|uo|ii|eu(?=m)|ie(?=r|st|t)|oi(?=c|ng)")
# ...except where spelling joins them: "-tion", "-sion", "-cial", "-cious", "-nion", "-lion".
_JOINED = re.compile(r"(?:t|s|c|x|g|n|l)i(?:o|a|ou)|qu[aeiou]|gu[aeiou]")
# Suffixes that add one syllable to a word that keeps its own ("effective-ness").
_SUFFIXES = ("ness", "ment", "less", "ful")
_WORD = re.compile(r"[A-Za-z0-9]+(?:['\u2019][A-Za-z]+)*")
# A full stop (or ! ?), closing quotes or brackets, then a capital or digit, or the end.
_SENTENCE_END = re.compile(r"[.!?]+[\"'\u2019\u201d)\]]*(?=\s+[\"'\u2018\u201c(\[]?[A-Z0-9]|$)")
_ABBREVIATIONS = re.compile(
    r"\b(?:e\.g|i\.e|etc|vs|cf|al|approx|Dr|Mr|Mrs|Ms|Prof|St|Fig|No|Vol)\.$", re.IGNORECASE
)


def count_syllables(word: str) -> int:
    """Syllables in one English word (at least 1). Hyphenated words count their parts."""
    parts = [part for part in re.split(r"[-\u2013]", word.lower()) if part]
    if len(parts) > 1:
        return sum(count_syllables(part) for part in parts)
    word = re.sub(r"[^a-z]", "", parts[0] if parts else "")
    if not word:
        return 1 if parts and any(ch.isdigit() for ch in parts[0]) else 0
    if word in _EXCEPTIONS:
        return _EXCEPTIONS[word]
    if word.endswith("s") and word[:-1] in _EXCEPTIONS:
        return _EXCEPTIONS[word[:-1]]
    if len(word) <= 3:
        return 1
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            return count_syllables(word[: -len(suffix)]) + 1
    if word.endswith("ely") and len(word) > 5:
        return count_syllables(word[:-2]) + 1  # "complete-ly"
    stem = _silent_ending(word)
    count = len(_VOWEL_GROUPS.findall(stem))
    count += len(_SPLIT_PAIRS.findall(stem)) - len(_JOINED.findall(stem))
    if re.search(r"[aeiouy][^aeiouy]*sms?$", stem):
        count += 1  # "mecha-nism", "spa-sm": the m sounds as a syllable
    return max(1, count)


def _silent_ending(word: str) -> str:
    """The word without a final silent e, or a silent "-es"/"-ed" ("makes", "named")."""
    if word.endswith("le") and len(word) > 3 and word[-3] not in "aeiouy":
        return word  # "ta-ble", "sim-ple": the e sounds with the l
    if word.endswith(("gue", "que")):
        return word[:-2]  # "fatigue", "unique"
    if word.endswith("es") and not re.search(r"(?:[sxz]|ch|sh|[cg])es$", word):
        word = word[:-1]  # "makes" as "make", "studies" as "studie"
    if word.endswith("ed") and not re.search(r"[td]ed$", word):
        return word[:-2]
    if word.endswith("e") and not word.endswith(("ee", "ye", "oe")):
        return word[:-1]
    return word


@dataclass(frozen=True)
class Sentence:
    text: str
    words: int


@dataclass(frozen=True)
class Readability:
    words: int
    sentences: int
    syllables: int
    grade: float  # Flesch-Kincaid grade level
    ease: float  # Flesch reading ease: 0-30 very hard, 60-70 plain English, 90+ very easy
    longest: list[Sentence]

    @property
    def words_per_sentence(self) -> float:
        return self.words / self.sentences if self.sentences else 0.0


def split_sentences(text: str) -> list[str]:
    """Sentences of plain text: each paragraph (blank-line separated) ends one."""
    sentences = []
    for block in re.split(r"\n\s*\n", text):
        block = " ".join(block.split())
        start = 0
        for match in _SENTENCE_END.finditer(block):
            candidate = block[start : match.end()]
            if _ABBREVIATIONS.search(candidate) and match.end() < len(block):
                continue  # "e.g." or "Dr." inside a sentence
            sentences.append(candidate.strip())
            start = match.end()
        if block[start:].strip():
            sentences.append(block[start:].strip())
    return [sentence for sentence in sentences if _WORD.search(sentence)]


def measure(text: str, *, longest: int = 5) -> Readability | None:
    """Reading level of plain text, with its `longest` longest sentences; None if no words."""
    sentences = split_sentences(text)
    counted = [(sentence, _WORD.findall(sentence)) for sentence in sentences]
    words = [word for _, sentence_words in counted for word in sentence_words]
    if not words:
        return None
    syllables = sum(count_syllables(word) for word in words)
    per_sentence = len(words) / len(sentences)
    per_word = syllables / len(words)
    ranked = sorted(counted, key=lambda item: len(item[1]), reverse=True)[:longest]
    return Readability(
        words=len(words),
        sentences=len(sentences),
        syllables=syllables,
        grade=round(0.39 * per_sentence + 11.8 * per_word - 15.59, 1),
        ease=round(206.835 - 1.015 * per_sentence - 84.6 * per_word, 1),
        longest=[Sentence(text=s, words=len(w)) for s, w in ranked],
    )


_BLOCK_END = re.compile(r"</(?:p|li|td|th|blockquote|pre|h[1-6])>|<br\s*/?>", re.IGNORECASE)
_HEADING = re.compile(r"<h[1-6][^>]*>.*?</h[1-6]>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


def prose_of(body_html: str) -> str:
    """The running text of rendered article HTML: headings left out (they are not prose),
    each paragraph, list item or cell its own block so a heading-less line ends a sentence."""
    text = _HEADING.sub("\n\n", body_html)
    text = _BLOCK_END.sub("\n\n", text)
    return html.unescape(_TAG.sub("", text))

"""The shipped crisis-language model (issue 19): what it reads, how it is trained, and
that the weights in the repository are what the training sets make."""

import json
import math

import pytest
from django.urls import reverse

from forum.management.commands import train_crisis_model as command
from forum.models import CrisisCase, CrisisPhrase
from forum.moderation import crisis_model
from forum.moderation.crisis import find_crisis_language
from forum.services import post_comment
from tests.factories import UserFactory, sign_in_with_second_factor
from tests.moderation.crisis_fixtures import install_crisis_defaults

# A tiny set with one clear signal word each way, for the model's own mechanics.
TINY = [
    ("i am so hopeless tonight", 1),
    ("hopeless and done with everything", 1),
    ("feeling hopeless again", 1),
    ("magnesium helped my sleep", 0),
    ("my sleep is better on magnesium", 0),
    ("the study on magnesium was small", 0),
]
TINY_EXAMPLES = [(text, False, label) for text, label in TINY]


def test_features_are_words_and_pairs_of_words():
    assert crisis_model.features("so tired, again") == {
        "w:so",
        "w:tired",
        "w:again",
        "b:so tired",
        "b:tired again",
    }
    assert crisis_model.features("") == set()


def test_a_trained_model_learns_which_way_a_word_points():
    model = crisis_model.train(TINY_EXAMPLES, epochs=20)
    assert model.weights["w:hopeless"] > 0 > model.weights["w:magnesium"]
    assert model.score("so hopeless again") > 0.5 > model.score("my sleep on magnesium")
    # A word in only one example is dropped: it would memorize that row.
    assert "w:tonight" not in model.weights


def test_training_is_deterministic():
    assert crisis_model.train(TINY_EXAMPLES).weights == crisis_model.train(TINY_EXAMPLES).weights


def test_saved_weights_load_back(tmp_path):
    model = crisis_model.train(TINY_EXAMPLES)
    path = tmp_path / "model.json"
    crisis_model.save(model, path)
    data = json.loads(path.read_text())
    loaded = crisis_model.Model(data["weights"], data["bias"], data["phrase"], data["threshold"])
    assert loaded.score("hopeless") == pytest.approx(model.score("hopeless"), abs=1e-3)


def test_a_few_words_cannot_carry_a_short_text_alone():
    # A text counts as having at least SHORTEST features: one strong word moves a
    # one-word text less than it would if it were all the text had.
    model = crisis_model.Model({"w:calm": 3.0}, bias=-2.0, phrase=0.0, threshold=0.5)
    assert model.score("calm") == pytest.approx(
        1 / (1 + math.exp(2.0 - 3.0 / math.sqrt(crisis_model.SHORTEST)))
    )
    assert model.score("calm") < 0.5


def test_the_strongest_sentence_is_the_one_that_reads_as_crisis():
    model = crisis_model.train(TINY_EXAMPLES, epochs=20)
    text = "magnesium helped my sleep. i feel hopeless. the study was small."
    start, end = model.strongest_sentence(text)
    assert text[start:end] == "i feel hopeless."


def test_training_never_reads_a_measuring_set():
    names = [path.name for path in command.training_sets()]
    assert "crisis_language.tsv" in names
    assert len(names) >= 7
    assert not [name for name in names if "held_out" in name or name.startswith("test_")]


def test_the_shipped_weights_are_what_the_training_sets_make():
    # A changed training set, feature or setting without `manage.py train_crisis_model`
    # fails here; so would weights trained with a measuring set mixed in.
    trained = command.train()
    shipped = crisis_model.shipped()
    kept = {n: w for n, w in trained.weights.items() if abs(w) >= 1e-3}
    assert kept.keys() == shipped.weights.keys()
    assert max(abs(kept[n] - shipped.weights[n]) for n in kept) < 1e-3
    assert shipped.threshold == crisis_model.THRESHOLD


# ---- on the site: the model finds what the phrases miss ---------------------------------

# Implicit: no shipped phrase matches it (the model test below shows which found it).
IMPLICIT = (
    "Thanks for the article, the citrate helped my cramps. Nobody will notice when I'm "
    "gone, I've made sure of that."
)


@pytest.fixture
def crisis_list(db):
    install_crisis_defaults()


def test_implicit_crisis_language_is_found_by_the_model(crisis_list):
    match = find_crisis_language(IMPLICIT)
    assert match is not None
    assert match.rule.startswith("Automated crisis signal")
    # Moderators see the sentence that read as crisis, in the member's own words.
    assert match.text == "Nobody will notice when I'm gone, I've made sure of that."
    assert IMPLICIT[match.start : match.end] == match.text


def test_a_moderators_safe_phrase_stops_the_model_too(crisis_list):
    CrisisPhrase.objects.create(
        pattern="Nobody will notice when I'm gone, I've made sure of that",
        kind=CrisisPhrase.Kind.SAFE,
    )
    assert find_crisis_language(IMPLICIT) is None


def test_a_comment_only_the_model_finds_opens_a_case_moderators_can_read(
    crisis_list, client, moderator, article
):
    comment = post_comment(author=UserFactory(), article=article, body=IMPLICIT)
    case = CrisisCase.objects.open().get(comment=comment)
    assert case.matched_text == "Nobody will notice when I'm gone, I've made sure of that."
    assert case.matched_rule.startswith("Automated crisis signal 0.")
    sign_in_with_second_factor(client, moderator)
    html = client.get(reverse("forum:moderation-item", args=[comment.pk])).content.decode()
    # The sentence that read as crisis is marked, and the rule says a model found it.
    assert (
        "<mark>Nobody will notice when I&#x27;m gone, I&#x27;ve made sure of that.</mark>" in html
    )
    assert "reads like crisis language" in html


def test_the_sites_own_phrases_are_known_as_shipped(crisis_list):
    # The model learnt how far the shipped phrases can be trusted; a moderator's own
    # phrase is not one of them and flags on its own (test_crisis.py).
    from forum.moderation.crisis import _load_phrases

    crisis, _safe = _load_phrases()
    assert len(crisis) > 100
    assert all(shipped for _rule, _pattern, shipped in crisis)
    CrisisPhrase.objects.create(pattern="going to the garden centre", note="local")
    crisis, _safe = _load_phrases()
    assert [rule for rule, _pattern, shipped in crisis if not shipped] == ["local"]

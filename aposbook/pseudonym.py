"""Whether a username looks like a member's full real name, so the site can suggest a
pseudonym (issue 19): members are patients, and their username is public.

Judged offline, without any lookup: the name splits at ".", "_", "-" or digits into a
first part that is a common given name (the list below: frequent English and Spanish
given names) and a second alphabetic part of two letters or more that is not an
everyday word ("jane.smith", "maria_garcia_74", "tom-o-neill"). A name run together
("janesmith") or one given name alone ("jane", "jane77") is not judged a full name: too
many nicknames start with a given name. The suggestion never refuses a name.
"""

import re

from django.utils.translation import gettext_lazy as _


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


GIVEN_NAMES = _words(
    """
    aaron adam adrian aidan alan albert alex alexander alexandra alice alicia alison amanda
    amber amelia amy ana andrea andrew angela anna anne annie anthony antonio arthur ashley
    barbara ben benjamin beth betty beverly brenda brian bruce caitlin carl carla carlos carmen
    carol caroline catherine charles charlie charlotte chloe chris christina christine
    christopher claire clara colin craig daniel danielle david dawn deborah debbie denise dennis
    diana diane donald donna dorothy doug douglas dylan edward elena elizabeth ellen emily emma
    eric erin eva evelyn fernando fiona frances francisco frank gary george gillian grace
    graham gregory hannah harry heather helen henry isabel isabella jack jacob james jane janet
    janice jason javier jay jean jeff jennifer jenny jeremy jessica jesus jim joan joanne joe
    john jonathan jordan jorge jose joseph josh joshua juan judith judy julia julie justin karen
    kate katherine kathleen kathy katie keith kelly kenneth kevin kim laura lauren leah linda
    lisa liz lorraine louise lucia lucy luis luke lynn manuel margaret maria marie marilyn mark
    martha martin mary matthew megan melissa michael michelle miguel mike nancy natalie nathan
    nicholas nicola nicole olivia pablo pamela patricia patrick paul paula pedro peter philip
    rachel ralph raymond rebecca richard robert roberto robin rosa rose ruth ryan sally samantha
    samuel sandra sara sarah scott sean sharon shirley simon sophie stephanie stephen steve
    steven susan tammy teresa thomas tim timothy tina tom tony tracy valerie victoria vincent
    virginia walter wendy william zoe
    """
)
# Second parts that make a nickname, not a surname ("sarah.fibro", "mark_runs").
EVERYDAY_WORDS = _words(
    """
    and the fibro fibromyalgia warrior warriors pain spoonie spoons mum mom mama dad papa
    girl boy lady man woman gal guy uk us es official real here again too mg tired sleepy
    life hope strong runs reads writes cat dog garden knits bakes
    """
)
PSEUDONYM_SUGGESTION = _(
    "Your username looks like it could be your real name, and everyone can see it. Many "
    "members choose a nickname instead, to keep their health private. You can change it "
    "any time in your settings, or keep it if you are happy with it."
)
_PARTS = re.compile(r"[._\-\d]+")


def looks_like_full_name(username: str) -> bool:
    parts = [part for part in _PARTS.split(username.lower()) if part]
    if len(parts) < 2 or parts[0] not in GIVEN_NAMES:
        return False
    surname = parts[1]
    return surname.isalpha() and len(surname) >= 2 and surname not in EVERYDAY_WORDS

"""The first version of each policy page, in plain language (loaded by a data migration;
editors replace them in the admin with new dated versions). The guidelines page adds the
numbered clauses of forum/moderation/guidelines.py below this text."""

import datetime

# The day the first versions took effect: the day the notice-and-action rules shipped.
EFFECTIVE_ON = datetime.date(2026, 12, 1)

DEFAULTS: dict[str, tuple[str, str]] = {
    "guidelines": (
        "Community guidelines",
        """AposBook's discussions are for people living with a health condition, and for
those who care for them, to share experience and sources. Our one rule is short:
**please remain authentic and respectful.** The numbered clauses below say what that
means here.

## How moderation works

- Anyone can report a comment, with or without an account. Each reason you can choose
  matches one clause below.
- A person reads every report. Some comments are held for a moderator automatically
  (for example a new member's first comment, or a post that seems to give doses); the
  moderator then decides.
- When we remove or hide a comment, or restrict an account, we tell the person why:
  which clause, what we saw, whether it was automatic, and how to contest it.
- You can ask us to look again within six months. A different moderator decides.

AposBook does not endorse any comment and is not responsible for any wrong information
provided by users. Nothing here replaces advice from your doctor.
""",
    ),
    "terms": (
        "Terms of use",
        """These terms apply when you read or take part in AposBook.

## Reading

Anyone may read the Science Center and its discussions. The articles summarise
research; they are not medical advice. Talk to a clinician before changing treatment.

## Taking part

- You need an account with a verified email address to comment, reply or react.
- You keep the rights to what you write. You allow AposBook to show it in the discussion,
  in search results and in feeds, for as long as it stays up.
- Follow the [community guidelines](/guidelines/). Moderators may hold, hide or remove a
  comment, or suspend or close an account, when a clause is broken. Each decision comes
  with its reasons and the ways to contest it.
- You may delete your comments, and your account, at any time from your settings.

## Reporting content

Anyone can report a comment with the Report link under it. Reports must be made in good
faith; people who often send reports that are clearly unfounded may have their reports
limited for a time, after a warning.

## Contesting a decision

Within six months of a decision you can ask us to look again through the page of the
decision or our [contact page](/contact/); a different moderator answers, with reasons.
You may also turn to a certified out-of-court dispute settlement body (EU Digital
Services Act, Article 21), or to the courts.

## Changes

We publish each new version of these terms here with the date it takes effect; earlier
versions stay readable below.
""",
    ),
    "privacy": (
        "Privacy notice",
        """This notice says what AposBook keeps about you, why, and for how long.

## What we keep

- **Members:** your username, email address, password (hashed), the comments you write
  and their earlier versions, your reports, appeals and reactions, your settings, and
  for each signed-in session the address and browser it came from.
- **Visitors who send a notice:** your name, email address and what you wrote. An
  unconfirmed notice is deleted after 48 hours. A confirmed one is kept with the
  moderators' decision, so that we can tell you the outcome and answer a complaint.
- **People who write to us:** your name, email address and message.

## Why

To run the discussion and keep it safe (our legitimate interest and the terms you
accepted), and to meet our duties under the EU Digital Services Act.

## Who sees it

Moderators see reports, notices and the history of comments. Other members see only your
username and what you publish. We share nothing with advertisers.

## Your rights

You can download everything we keep about you from your account settings, correct it,
or delete your account. For anything else, or to complain, use the
[contact page](/contact/). You may also complain to your data protection authority.
""",
    ),
    "contact": (
        "Contact",
        """This page is AposBook's **single point of contact**: for members, for visitors,
and for the authorities of EU member states, the European Commission and the European
Board for Digital Services.

- Use the form below, or write to the address it names.
- We answer in English or Spanish.
- To report a comment, use the Report link under it: that reaches the moderators
  fastest. To contest a decision on a notice you sent, quote its number.

If someone is in immediate danger, call your local emergency number first.
""",
    ),
}


def load_defaults(policy_version_model) -> int:
    """Create the first version of each page that has none (the data migration passes
    its historical model; tests pass the real one). Returns how many it created."""
    from forum.rendering import RENDERER_VERSION, render_article

    created = 0
    for kind, (title, body) in DEFAULTS.items():
        if policy_version_model.objects.filter(kind=kind).exists():
            continue
        policy_version_model.objects.create(
            kind=kind,
            title=title,
            body=body,
            body_html=render_article(body).html,
            renderer_version=RENDERER_VERSION,
            effective_on=EFFECTIVE_ON,
            changes="First version",
        )
        created += 1
    return created

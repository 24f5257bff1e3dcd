import datetime

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from articles.models import Article, Category, Reference
from forum.models import Comment
from forum.rendering import render_comment


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"member{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def verified(user, create, extracted, **kwargs):
        """Members have a verified primary email unless built with verified=False."""
        if create:
            EmailAddress.objects.create(
                user=user, email=user.email, primary=True, verified=extracted is not False
            )
            user.save()


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ["slug"]

    name = "Vitamins and Minerals"
    slug = factory.LazyAttribute(lambda category: category.name.lower().replace(" ", "-"))


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    category = factory.SubFactory(CategoryFactory)
    slug = factory.Sequence(lambda n: f"article-{n}")
    title = factory.Sequence(lambda n: f"Supplement {n} For Sleep")
    headline = factory.LazyAttribute(lambda article: f"What science says about {article.title}")
    summary = "A short summary of what the research says."
    body = (
        "An introduction.\n\n## Supporting Views\n\nSome support.\n\n"
        "## Skeptical Views\n\nSome doubt.\n\n## Conclusion\n\nA careful conclusion.\n"
    )
    about = "Sleep, Melatonin"
    status = Article.Status.PUBLISHED
    published_on = datetime.date(2024, 10, 1)


class ReferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reference

    article = factory.SubFactory(ArticleFactory)
    position = factory.Sequence(lambda n: n + 1)
    authors = "Doe J, Roe R"
    title = "A randomised trial of something"
    journal = "Journal of Examples"
    year = 2020
    doi = "10.1000/example.123"
    stance = Reference.Stance.SUPPORTING


class CommentFactory(factory.django.DjangoModelFactory):
    """A published comment, rendered as the service would (replies: pass parent=)."""

    class Meta:
        model = Comment

    article = factory.SubFactory(ArticleFactory)
    author = factory.SubFactory(UserFactory)
    body_source = factory.Sequence(lambda n: f"Comment number {n}.")
    body_html = factory.LazyAttribute(lambda c: render_comment(c.body_source))
    depth = factory.LazyAttribute(lambda c: c.parent.depth + 1 if c.parent else 0)
    root = factory.LazyAttribute(lambda c: (c.parent.root or c.parent) if c.parent else None)
    parent = None


def sign_in_with_second_factor(client, user) -> None:
    """Sign `user` in on the test client as if they passed their authenticator at sign-in:
    moderation asks the session for a second factor (allauth's authentication records)."""
    from types import SimpleNamespace

    from allauth.account.internal.flows.login import record_authentication

    client.force_login(user)
    session = client.session
    request = SimpleNamespace(session=session, user=user)
    record_authentication(request, user, "password")
    record_authentication(request, user, "mfa", type="totp")
    session.save()

"""Account email leaves the request through the task queue, after the commit."""

import logging

import pytest
from django.core import mail
from django.db import transaction
from django.test import RequestFactory

from aposbook.adapter import AccountAdapter
from aposbook.tasks import send_email
from tests.accounts.conftest import code_in


@pytest.fixture
def adapter(rf: RequestFactory):
    from allauth.core import context

    request = rf.get("/")
    with context.request_context(request):
        yield AccountAdapter(request)


@pytest.mark.django_db
def test_adapter_queues_email_only_when_the_transaction_commits(
    adapter, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        adapter.send_mail("account/email/login_code", "alice@example.org", {"code": "ABCD-EFGH"})
    assert mailoutbox == []  # nothing leaves before the commit
    assert len(callbacks) == 1

    callbacks[0]()

    [message] = mailoutbox
    assert message.to == ["alice@example.org"]
    assert message.subject.startswith("[AposBook] ")
    assert code_in(message) == "ABCD-EFGH"
    assert "Hello from AposBook!" in message.body


@pytest.mark.django_db
def test_a_rolled_back_change_sends_no_email(
    adapter, django_capture_on_commit_callbacks, mailoutbox
):
    class Rollback(Exception):
        pass

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(Rollback),
        transaction.atomic(),
    ):
        adapter.send_mail("account/email/login_code", "alice@example.org", {"code": "X"})
        raise Rollback

    assert callbacks == []
    assert mailoutbox == []


def test_send_email_task_sends_html_too_and_never_logs_the_body(mailoutbox, caplog):
    caplog.set_level(logging.DEBUG)

    result = send_email.enqueue(
        to=["bob@example.org"],
        subject="Your code",
        body="secret code 123456",
        html_body="<p>secret code 123456</p>",
        headers={"X-Test": "1"},
    )

    assert result.return_value == 1
    [message] = mail.outbox
    assert message.alternatives[0][1] == "text/html"
    assert message.extra_headers == {"X-Test": "1"}
    assert "123456" not in caplog.text

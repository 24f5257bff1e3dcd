"""Database outage: stop PostgreSQL under traffic, then start it again."""

import json
import threading
import time
import uuid

from tests.reliability.actions import ARTICLE
from tests.reliability.harness import (
    MEMBER_PASSWORD,
    Client,
    find_form,
    prepare_database,
    production_env,
    shell_output,
    start_gunicorn,
    wait_until,
)

TYPED = 'My experience <script>alert("x")</script> & 300 mg at night\nsecond line'
# A comment the forum's screening lets through (no dose), with a word to find it by.
MARKER = "LT" + uuid.uuid4().hex
COMMENT = f'Magnesium <script>alert("x")</script> & my sleep: better.\nSecond line {MARKER}'
COMMENT_ESCAPED = "Magnesium &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; my sleep"
COUNT_COMMENTS = (
    "from forum.models import Comment; "
    "print(list(Comment.objects.filter(body_source__contains={marker!r}).values_list('pk', "
    "'author__username')))"
)


class Traffic:
    """Readers loading the article page in the background; records every answer."""

    def __init__(self, port: int, readers: int = 3) -> None:
        self.port = port
        self.results: list[tuple[float, int, float]] = []
        self.failures: list[str] = []
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._read) for _ in range(readers)]

    def _read(self) -> None:
        client = Client(self.port, timeout=15)
        while not self._stop.is_set():
            try:
                response = client.get(ARTICLE)
                self.results.append((time.monotonic(), response.status, response.seconds))
            except OSError as error:  # a hung or dead worker shows up here
                self.failures.append(repr(error))
            time.sleep(0.05)

    def __enter__(self) -> "Traffic":
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(30)
        assert not any(t.is_alive() for t in self._threads), "a reader hung"


def test_outage_answers_503_keeps_text_and_recovers(tmp_path, static_var_dir, cluster):
    env = production_env(var_dir=static_var_dir, database_url=cluster.url)
    prepare_database(env, members=1)
    server, port = start_gunicorn(env, log_dir=tmp_path, workers=2)
    try:
        member = Client(port)
        member.sign_in("member0")
        reader = Client(port)
        assert reader.get(ARTICLE).status == 200
        boots_before = server.log().count("Booting worker")
        # Forms opened before the outage, submitted during it.
        token = reader.csrf_token("/accounts/login/")
        composer, comment_form = find_form(member.get(ARTICLE).text, having="form_token")
        assert composer == f"{ARTICLE}comments/"
        comment_form.update(body=COMMENT, post="1")

        with Traffic(port) as traffic:
            time.sleep(1)
            cluster.stop()
            stopped_at = time.monotonic()

            first_503 = wait_until(
                lambda: (r := reader.get(ARTICLE)).status == 503 and r,
                timeout=2,
                interval=0.05,
                what="a 503 after the database stopped",
            )
            assert time.monotonic() - stopped_at < 2
            assert "back in a moment" in first_503.text
            assert first_503.header("Retry-After").isdigit()
            assert "Traceback" not in first_503.text
            assert "no-store" in first_503.header("Cache-Control")

            signed_in = member.get(ARTICLE)
            assert signed_in.status == 503
            assert "back in a moment" in signed_in.text

            # The process is up (healthz) but not ready (readyz), for the load balancer.
            assert reader.get("/healthz").status == 200
            ready = reader.get("/readyz")
            assert ready.status == 503
            assert json.loads(ready.text)["checks"]["database"] == "unavailable"

            # A form POSTed during the outage comes back with the member's text, escaped,
            # in a form that posts to the same address again; the password does not.
            posted = reader.request(
                "POST",
                "/accounts/login/",
                form={
                    "csrfmiddlewaretoken": token,
                    "login": "member0",
                    "password": MEMBER_PASSWORD,
                    "body": TYPED,
                },
            )
            assert posted.status == 503
            assert 'action="/accounts/login/"' in posted.text
            escaped = "My experience &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; 300 mg"
            assert escaped in posted.text
            assert "<script>" not in posted.text
            assert 'value="member0"' in posted.text
            assert MEMBER_PASSWORD not in posted.text
            assert 'name="csrfmiddlewaretoken"' in posted.text

            # A signed-in member's comment, posted to the real comment URL, comes back the
            # same way: the text in the box, the form token kept so that sending it again
            # later creates the comment once.
            held = member.request("POST", composer, form=comment_form)
            assert held.status == 503
            assert held.header("Retry-After").isdigit()
            assert f'action="{composer}"' in held.text
            assert COMMENT_ESCAPED in held.text
            assert "<script>" not in held.text
            resend_to, resend = find_form(held.text, having="form_token")
            assert resend_to == composer
            assert resend["form_token"] == comment_form["form_token"]
            assert resend["body"] == COMMENT

            time.sleep(2)  # traffic keeps going during the outage
            outage_answers = [r for r in traffic.results if r[0] > stopped_at + 0.5]
            cluster.start()
            wait_until(
                lambda: reader.get(ARTICLE).status == 200,
                timeout=15,
                interval=0.2,
                what="recovery after the database came back",
            )
            recovered_at = time.monotonic()
            time.sleep(2)

        statuses = {status for _, status, _ in traffic.results}
        assert statuses <= {200, 503}, statuses
        assert outage_answers
        assert all(status == 503 for _, status, _ in outage_answers)
        assert max(seconds for *_, seconds in outage_answers) < 2, "a request waited too long"
        after = [status for t, status, _ in traffic.results if t > recovered_at + 0.5]
        assert after, "no answer after the recovery"
        assert set(after) == {200}, "every worker recovers without a restart"
        assert traffic.failures == []

        # Signed-in members are still signed in after the outage: nothing was lost.
        assert member.get("/accounts/email/").status == 200
        # The form from the 503 page, sent after recovery (twice: a member who is not sure
        # the first went through), creates exactly one comment.
        sent = [member.request("POST", resend_to, form=resend) for _ in range(2)]
        assert [r.status for r in sent] == [302, 302]
        location = sent[0].header("Location")
        assert location.startswith("/comments/")
        assert sent[1].header("Location") == location
        stored = shell_output(env, COUNT_COMMENTS.format(marker=MARKER))
        assert stored == str([(int(location.split("/")[2]), "member0")])
        # No restart: the same workers served before, during and after.
        assert server.alive()
        assert server.log().count("Booting worker") == boots_before
        log = server.log()
        assert "backend unavailable (OperationalError" in log
        assert "Traceback" not in log
        assert MEMBER_PASSWORD not in log
    finally:
        server.stop()

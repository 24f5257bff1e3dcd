"""Bad input at the edge, through gunicorn as deployed: always a clean 4xx, never a 5xx."""

import pytest

from tests.reliability.harness import (
    Client,
    prepare_database,
    production_env,
    raw_request,
    start_gunicorn,
)


@pytest.fixture(scope="module")
def server(tmp_path_factory, static_var_dir, shared_database_url):
    env = production_env(var_dir=static_var_dir, database_url=shared_database_url)
    prepare_database(env, members=1)
    process, port = start_gunicorn(env, log_dir=tmp_path_factory.mktemp("edge"), workers=2)
    try:
        yield process, port
    finally:
        process.stop()


def request_bytes(
    target: bytes, *, method=b"GET", headers=b"", body=b"", declared_length: int | None = None
) -> bytes:
    head = method + b" " + target + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
    if body or declared_length:
        length = declared_length if declared_length is not None else len(body)
        head += b"Content-Type: application/x-www-form-urlencoded\r\n"
        head += b"Content-Length: " + str(length).encode() + b"\r\n"
    return head + headers + b"\r\n" + body


def cookie_header(client: Client) -> bytes:
    return ("Cookie: " + "; ".join(f"{k}={v}" for k, v in client.cookies.items()) + "\r\n").encode()


# A body larger than DATA_UPLOAD_MAX_MEMORY_SIZE is refused from its declared length,
# before it is read; sending only the headers keeps the test free of reset races.
OVERSIZED = 400_000


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (request_bytes(b"/science/\xff\xfe/"), {404}),
        (request_bytes(b"/science/%ff%fe/"), {404}),
        (request_bytes(b"/science/search/?q=%ff%fe%c3"), {200}),
        (request_bytes(b"/?" + b"q=" + b"a" * 5000), {414}),
        (request_bytes(b"/?" + b"q=" + b"a" * 20000), {400, 414}),
        (request_bytes(b"/", headers=b"X-Big: " + b"b" * 20000 + b"\r\n"), {400, 431}),
        (request_bytes(b"/", headers=b"".join(b"X-%d: 1\r\n" % n for n in range(150))), {400, 431}),
        (request_bytes(b"/", method=b"OPTIONS"), {405}),
        # Unsafe methods meet the CSRF check before the view: 403 without a token.
        (request_bytes(b"/", method=b"DELETE"), {403}),
        (request_bytes(b"/healthz", method=b"POST"), {403, 405}),
        (request_bytes(b"/accounts/login/", method=b"POST", body=b"login=\xff\xfe"), {403}),
        (
            request_bytes(b"/accounts/login/", method=b"POST", declared_length=OVERSIZED),
            {400, 403},
        ),
        (b"GET / HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n", {400}),
        (b"NONSENSE\r\n\r\n", {400}),
        # NUL and other controls on PostgreSQL: a clean 400 before any query (was a 500).
        (request_bytes(b"/science/search/?q=%00"), {400}),
        (request_bytes(b"/members/%00/"), {400}),
        (request_bytes(b"/moderation/log/?action=%00&member=%1b"), {400}),
    ],
    ids=[
        "raw-invalid-utf8-path",
        "escaped-invalid-utf8-path",
        "invalid-utf8-query",
        "long-query-string",
        "query-longer-than-request-line",
        "huge-header",
        "too-many-headers",
        "unsupported-method",
        "unsafe-method-without-token",
        "post-to-get-only-view",
        "invalid-utf8-body-without-csrf",
        "oversized-body",
        "unknown-host",
        "not-http",
        "nul-in-query",
        "nul-in-path",
        "controls-in-moderation-filters",
    ],
)
def test_bad_input_gets_a_clean_answer(server, raw, expected):
    _, port = server
    assert raw_request(port, raw) in expected


def test_oversized_form_with_a_valid_token_is_refused(server):
    _, port = server
    client = Client(port)
    token = client.csrf_token("/accounts/login/")
    headers = cookie_header(client) + f"X-CSRFToken: {token}\r\n".encode()
    status = raw_request(
        port,
        request_bytes(
            b"/accounts/login/", method=b"POST", headers=headers, declared_length=OVERSIZED
        ),
    )
    assert status == 400


def test_invalid_utf8_in_a_signed_in_form_is_a_form_error(server):
    process, port = server
    client = Client(port)
    token = client.csrf_token("/accounts/login/")
    body = b"csrfmiddlewaretoken=" + token.encode() + b"&login=%ff%fe&password=\xff"
    status = raw_request(
        port,
        request_bytes(
            b"/accounts/login/", method=b"POST", body=body, headers=cookie_header(client)
        ),
    )
    assert status == 200  # the sign-in form again, with its error message
    assert "Traceback" not in process.log()

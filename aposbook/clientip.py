"""The client's address, one rule for every limiter: allauth's (ALLAUTH_TRUSTED_PROXY_COUNT
or ALLAUTH_TRUSTED_CLIENT_IP_HEADER behind a proxy, else REMOTE_ADDR)."""

from allauth.account.adapter import get_adapter
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    return get_adapter(request).get_client_ip(request)

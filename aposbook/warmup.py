"""What a worker's first request would otherwise pay for, done when the app is loaded.

Django imports the URL configuration (every view module, allauth's passkey forms with
their cryptography, the screening patterns compiled at import) on the first request a
process serves: ~0.3 s. With gunicorn's `preload_app` (aposbook/gunicorn.conf.py) the
app is loaded once in the master and every worker, the first ones and each one recycled
by `max_requests`, is forked with all of it done, so its first reader is served as fast
as its thousandth. Nothing here opens a connection (the database, the cache): those are
each worker's own.
"""

from django.template.loader import get_template
from django.urls import get_resolver, reverse

# The pages a viral day serves most; compiling them here shares the compiled templates
# with every fork (Django's cached template loader keeps them per process).
_TEMPLATES = (
    "base.html",
    "articles/article_detail.html",
    "_partials/pagination.html",
)


def warm_up() -> None:
    resolver = get_resolver()
    resolver.resolve("/")  # imports the URL configuration and every view module
    reverse("home")  # builds the reverse lookup tables
    for name in _TEMPLATES:
        get_template(name)

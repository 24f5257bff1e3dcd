import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aposbook.settings")
application = get_wsgi_application()

# Loaded with the app, not on the first request (in gunicorn's master: see warmup.py).
from aposbook.warmup import warm_up  # noqa: E402

warm_up()

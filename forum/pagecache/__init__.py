"""What the site keeps in the shared cache for its pages, and the one module that knows
which of it a change touches.

- versions.py: the discussion version of each article and the queue version.
- anonymous.py: the whole article page anonymous readers get.
- fragments.py: discussion snapshots, member stencils and rendered threads.
- queue.py: each moderator's queue page.
- invalidation.py: the hooks services call to say what changed (`comment_changed`,
  `article_changed`, `member_changed`, `queue_changed`...), and the receivers for models
  edited in the admin or by commands. Only it replaces versions, on commit.

Views ask for a page with one call: `serve_anonymous(request, slug, find=..., render=...)`,
`serve_queue(request, render=...)`.
"""

from forum.pagecache.anonymous import serve_anonymous
from forum.pagecache.queue import serve_queue

__all__ = ["serve_anonymous", "serve_queue"]

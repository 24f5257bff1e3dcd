"""The full-text index (forum/search): a GIN-indexed tsvector column on PostgreSQL,
FTS5 tables on SQLite; only the running database's half runs. Then it is filled."""

from django.db import migrations

# The statements as they were when this migration was written.
POSTGRESQL = [
    "ALTER TABLE forum_comment ADD COLUMN IF NOT EXISTS search_vector tsvector",
    "CREATE INDEX IF NOT EXISTS comment_search_idx ON forum_comment USING gin (search_vector)",
    "ALTER TABLE articles_article ADD COLUMN IF NOT EXISTS search_vector tsvector",
    "CREATE INDEX IF NOT EXISTS article_search_idx ON articles_article USING gin (search_vector)",
]
POSTGRESQL_REVERSE = [
    "ALTER TABLE forum_comment DROP COLUMN IF EXISTS search_vector",
    "ALTER TABLE articles_article DROP COLUMN IF EXISTS search_vector",
]
TOKENIZER = "porter unicode61 remove_diacritics 2"
SQLITE = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS forum_comment_fts USING fts5(body, tokenize='{TOKENIZER}')",
    (
        "CREATE VIRTUAL TABLE IF NOT EXISTS articles_article_fts USING fts5("
        f"title, headline, summary, body, tokenize='{TOKENIZER}')"
    ),
]
SQLITE_REVERSE = [
    "DROP TABLE IF EXISTS forum_comment_fts",
    "DROP TABLE IF EXISTS articles_article_fts",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


def fill(apps, schema_editor):
    from forum import search

    search.rebuild(using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0002_article_premoderate_category_premoderate"),
        ("forum", "0008_action_and_notification_kinds"),
    ]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL, "sqlite": SQLITE}),
            _run({"postgresql": POSTGRESQL_REVERSE, "sqlite": SQLITE_REVERSE}),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]

"""A GIN index on the articles' search vector, on PostgreSQL only (SQLite searches with the BM25 engine)."""

from django.db import migrations

INDEX = "knowledge_article_search_vector_gin"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON knowledge_article USING gin (search_vector)"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0001_articles_templates_chat")]

    operations = [migrations.RunPython(create_index, drop_index)]

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("appeals", "0005_merge_need_topics_and_plain_russian"),
        ("appeals", "0004_answer_template_version"),
    ]

    operations = []

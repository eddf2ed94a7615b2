"""The condition's old columns go, once 0006 has turned them into data (in a migration of their own:
PostgreSQL alters no table that has pending trigger events from rows updated in the same
transaction)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("surveys", "0007_conditions_as_data")]

    operations = [
        migrations.RemoveField(
            model_name="historicalquestion",
            name="condition_choice",
        ),
        migrations.RemoveField(
            model_name="historicalquestion",
            name="condition_operator",
        ),
        migrations.RemoveField(
            model_name="question",
            name="condition_choice",
        ),
        migrations.RemoveField(
            model_name="question",
            name="condition_operator",
        ),
    ]

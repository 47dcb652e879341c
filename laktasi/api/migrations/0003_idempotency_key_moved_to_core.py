# The idempotency-key model now lives in core (core.0001_idempotency_key); its table stays.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0002_token_expiry"),
        ("core", "0001_idempotency_key"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="IdempotencyKey")],
            database_operations=[],
        ),
    ]

# The idempotency-key model moves from api to core (state only: the table stays
# api_idempotencykey, created by api.0001_initial).

from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("api", "0002_token_expiry"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="IdempotencyKey",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True,
                                                   serialize=False, verbose_name="ID")),
                        ("key", models.UUIDField(unique=True)),
                        ("kind", models.CharField(max_length=32)),
                        ("object_pk", models.PositiveBigIntegerField()),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                    ],
                    options={
                        "verbose_name": "idempotency key",
                        "verbose_name_plural": "idempotency keys",
                        "db_table": "api_idempotencykey",
                    },
                ),
            ],
            database_operations=[],
        ),
    ]

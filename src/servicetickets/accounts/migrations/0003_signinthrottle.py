from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_user_user_username_unique_ignoring_case"),
    ]

    operations = [
        migrations.CreateModel(
            name="SigninThrottle",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("key", models.CharField(max_length=200, unique=True)),
                ("failures", models.PositiveIntegerField(default=0)),
                ("window_start", models.DateTimeField()),
                ("locked_until", models.DateTimeField(blank=True, null=True)),
            ],
        ),
    ]

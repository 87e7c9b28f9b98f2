"""Joins the two migrations written side by side after ``0004_report_tally``."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0005_search"),
        ("tickets", "0005_sla_tally"),
    ]

    operations = []

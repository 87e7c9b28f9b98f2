from pathlib import Path

from django.apps import AppConfig
from django.conf import settings


class CoreConfig(AppConfig):
    name = "servicetickets.core"
    label = "core"

    def ready(self) -> None:
        # The data folder holds the SQLite file and uploads; make it on first start.
        Path(settings.DATA_DIR).mkdir(parents=True, exist_ok=True)
        Path(settings.UPLOAD_ROOT).mkdir(parents=True, exist_ok=True)
        Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
        # An id beyond its column's range names no row through a foreign key too (not a 500).
        from django.db.models import ForeignObject

        from servicetickets.core.lookups import RelatedExactInRange

        ForeignObject.register_lookup(RelatedExactInRange)

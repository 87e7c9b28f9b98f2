"""``python -m tests.security.races.worker_at_once FOLDER``: a worker process that sets Django
up, says it is ready (``FOLDER/ready-<pid>``), waits for ``FOLDER/go``, then does exactly what
``servicetickets worker --once`` does. Several of them start their round at the same moment."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path


def main() -> int:
    folder = Path(sys.argv[1])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicetickets.settings")
    import django

    django.setup()
    from servicetickets.cli import main as cli

    (folder / f"ready-{os.getpid()}").touch()
    while not (folder / "go").exists():
        time.sleep(0.005)
    return cli(["worker", "--once"])


if __name__ == "__main__":
    sys.exit(main())

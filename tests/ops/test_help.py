"""The installed ``servicetickets`` command."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

COMMANDS = ("demo", "serve", "migrate", "user", "token", "seed", "worker", "backup", "restore")


def test_installed_command_help_lists_every_subcommand() -> None:
    command = Path(sys.executable).parent / "servicetickets"

    result = subprocess.run(
        [str(command), "--help"], capture_output=True, text=True, timeout=60, check=False
    )

    assert result.returncode == 0, result.stderr
    for name in COMMANDS:
        assert f"    {name}" in result.stdout, name

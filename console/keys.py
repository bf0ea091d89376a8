"""The console's signing key: random, kept under the var dir, so every web process of
the machine signs and checks cookies and CSRF tokens with the same one."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

KEY_FILE = "console-secret-key"


def console_secret(var_dir: Path) -> str:
    path = var_dir / KEY_FILE
    if not path.exists():
        var_dir.mkdir(parents=True, exist_ok=True)
        try:  # O_EXCL: two processes starting at once keep the first one's key
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as file:
                file.write(secrets.token_hex(32))
    return path.read_text().strip()

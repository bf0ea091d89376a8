"""`flask --app server config check PATH`."""
import sys
from pathlib import Path
from typing import Mapping

import click
from flask.cli import AppGroup

from config.loader import load_directory
from runtime import current_runtime

config_cli = AppGroup("config", help="Tenant configuration.")


@config_cli.command("check")
@click.argument("path", type=click.Path(path_type=Path), required=False)
def check_command(path: Path | None) -> None:
    """Validate a tenant file or a directory of them (default: ONWARD_CONFIG_DIR)."""
    settings = current_runtime().settings
    lines = check_lines(path or settings.config_dir, settings.environ)
    for level, line in lines:
        click.echo(f"{level}: {line}", err=level == "error")
    if any(level == "error" for level, _ in lines):
        sys.exit(1)


def check_lines(path: Path, environ: Mapping[str, str]) -> list[tuple[str, str]]:
    """What `config check` says of a file or directory: ("ok", tenant) and ("error", problem) lines."""
    result = load_directory(path, environ)
    found = [("ok", f"{tenant.tenant} ({tenant.name}): {len(tenant.people)} people, "
                    f"{len(tenant.tasks)} tasks, {len(tenant.services)} services") for tenant in result.tenants]
    return found + [("error", str(problem)) for problem in result.problems]

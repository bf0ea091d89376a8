"""`flask --app server config check PATH`."""
import sys
from pathlib import Path

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
    result = load_directory(path or settings.config_dir, settings.environ)
    for tenant in result.tenants:
        click.echo(f"ok: {tenant.tenant} ({tenant.name}): {len(tenant.people)} people, "
                   f"{len(tenant.tasks)} tasks, {len(tenant.services)} services")
    for problem in result.problems:
        click.echo(f"error: {problem}", err=True)
    if result.problems:
        sys.exit(1)

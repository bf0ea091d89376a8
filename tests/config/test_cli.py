"""`flask --app server config check [PATH]`, run in a small Flask app of its own.

The command only needs the runtime's settings, so the app here holds nothing else.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import pytest
from click.testing import Result
from flask import Flask

from config.cli import check_command
from devstack import ensure_demo_token
from config.loader import load_file
from config.settings import load_settings
from tests.config import ENV, changed, example, write_tenant

OK_HARBOR = "ok: harbor-barbers (Harbor Street Barbers): 4 people, 5 tasks, 4 services"


@dataclass
class Check:
    """Runs `config check` in an app whose ONWARD_CONFIG_DIR is config_dir."""

    config_dir: Path
    var_dir: Path

    def __call__(self, *args: str, environ: dict[str, str] = ENV) -> Result:
        settings = load_settings(environ={**environ, "ONWARD_CONFIG_DIR": str(self.config_dir),
                                          "ONWARD_VAR_DIR": str(self.var_dir)})
        app = Flask(__name__)
        app.extensions["onward"] = SimpleNamespace(settings=settings)
        return app.test_cli_runner().invoke(check_command, list(args))


@pytest.fixture
def check(tmp_path) -> Check:
    (tmp_path / "tenants").mkdir()
    return Check(config_dir=tmp_path / "tenants", var_dir=tmp_path / "var")


def test_the_configured_directory_is_checked_by_default(check):
    write_tenant(check.config_dir, example())

    result = check()

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [OK_HARBOR]
    assert result.stderr == ""


def test_an_explicit_file_is_checked(check, tmp_path):
    path = write_tenant(tmp_path, example())

    result = check(str(path))

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [OK_HARBOR]


@pytest.mark.parametrize("path, value, line", [
    pytest.param("tasks[0].owner", "zed",
                 "error: harbor-barbers.yaml: tasks[0].owner: unknown person 'zed'", id="unknown owner"),
    pytest.param("tasks[0].proof", "video",
                 "error: harbor-barbers.yaml: tasks[0].proof: "
                 "'video' is not a proof: use photo, text, none or {number: {min, max, unit}}", id="proof video"),
    pytest.param("timezon", "UTC", "error: harbor-barbers.yaml: timezon: is not a known field", id="typo"),
])
def test_a_problem_is_printed_as_file_field_reason(check, tmp_path, path, value, line):
    result = check(str(write_tenant(tmp_path, changed(path, value))))

    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [line]


def test_the_same_problems_as_the_loader_are_printed_for_a_missing_env_variable(check):
    write_tenant(check.config_dir, example())

    result = check(environ={})

    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "error: harbor-barbers.yaml: api_token: environment variable HARBOR_API_TOKEN is not set"]


def test_good_files_are_listed_beside_the_bad_ones(check):
    write_tenant(check.config_dir, example(), "a-harbor.yaml")
    write_tenant(check.config_dir, changed("tasks[1].cadence", "0 25 * * *"), "b-broken.yaml")

    result = check()

    assert result.exit_code == 1
    assert result.stdout.splitlines() == [OK_HARBOR]
    assert result.stderr.splitlines() == [
        "error: b-broken.yaml: tasks[1].cadence: '0 25 * * *' is not a valid cron expression"]


def test_an_empty_directory_fails_the_check(check):
    result = check()

    assert result.exit_code == 1
    assert result.stderr.splitlines() == [f"error: {check.config_dir}: holds no *.yaml tenant files"]


def test_a_missing_path_fails_the_check(check, tmp_path):
    result = check(str(tmp_path / "nowhere.yaml"))

    assert result.exit_code == 1
    assert result.stderr.splitlines() == [f"error: {tmp_path / 'nowhere.yaml'}: no such file or directory"]


def test_any_number_phonenumbers_parses_is_taken_in_e164(check, tmp_path):
    """DESIGN: phones in any form phonenumbers parses, test ranges such as 555-123-4567 too."""
    data = changed("numbers", ["+1 555 123 4567"])
    data["people"][1]["phone"] = "(555) 010-0199"
    path = write_tenant(tmp_path, data)

    result = check(str(path))

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [OK_HARBOR]
    tenant = load_file(path, ENV)
    assert tenant.numbers == ("+15551234567",) and tenant.person("marco").phone == "+15550100199"


def test_a_tenants_own_templates_are_checked_against_onwards(check, tmp_path):
    good = changed("templates", {"es": {"offer": "{service} el {when}, {price}. {reply} SÍ y es tuyo."}})
    assert check(str(write_tenant(tmp_path, good))).exit_code == 0

    bad = changed("templates", {"es": {"offer": "{service} el {dia}"}, "en": {"hello": "Hi!"}, "fr": {}})
    result = check(str(write_tenant(tmp_path, bad)))

    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "error: harbor-barbers.yaml: templates: es.offer: {dia} is not a field of this template "
        "(it has {price}, {reply}, {service}, {when}); en.hello: not a template Onward has; "
        "fr: not a language Onward writes (en, es)"]


def test_two_files_claiming_one_number_are_both_refused_naming_both(check):
    write_tenant(check.config_dir, example(), "a-harbor.yaml")
    write_tenant(check.config_dir, changed("tenant", "harbor-copy") | {"api_token": "another-token"}, "b-copy.yaml")

    result = check()

    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "error: a-harbor.yaml: numbers[0]: +16175550100 is also claimed by b-copy.yaml: both files are refused",
        "error: b-copy.yaml: numbers[0]: +16175550100 is also claimed by a-harbor.yaml: both files are refused"]


def test_every_problem_of_a_file_is_printed_in_one_run(check, tmp_path):
    """Secrets and phones, the schema, and (once the schema passes) every cross-check."""
    broken_schema = changed("timezon", "UTC")
    broken_schema["people"][1]["phone"] = "12"
    broken_schema["tasks"][0]["proof"] = "video"
    broken_checks = changed("tasks[0].owner", "zed")
    broken_checks["people"][1]["phone"] = "12"
    broken_checks["tasks"][1]["backup"] = "zed"
    write_tenant(tmp_path, broken_schema, "schema.yaml")
    write_tenant(tmp_path, broken_checks, "checks.yaml")

    result = check(str(tmp_path / "schema.yaml"), environ={})
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "error: schema.yaml: api_token: environment variable HARBOR_API_TOKEN is not set",
        "error: schema.yaml: people[1].phone: '12' is not a valid phone number for US",
        "error: schema.yaml: tasks[0].proof: 'video' is not a proof: use photo, text, none or {number: {min, max, unit}}",
        "error: schema.yaml: timezon: is not a known field"]

    result = check(str(tmp_path / "checks.yaml"), environ={})
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "error: checks.yaml: api_token: environment variable HARBOR_API_TOKEN is not set",
        "error: checks.yaml: people[1].phone: '12' is not a valid phone number for US",
        "error: checks.yaml: tasks[0].owner: unknown person 'zed'",
        "error: checks.yaml: tasks[1].backup: unknown person 'zed'"]


def test_the_token_the_dev_stack_generated_is_read_from_the_var_dir(check):
    """`python server.py` keeps the demo tenant's token under var/ when HARBOR_API_TOKEN is
    unset; `config check` in another terminal finds it there, as the server's processes do."""
    write_tenant(check.config_dir, example())
    check.var_dir.mkdir()
    ensure_demo_token({}, check.var_dir)

    result = check(environ={})

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [OK_HARBOR]

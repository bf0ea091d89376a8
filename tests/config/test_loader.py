"""Loading tenant files: the reference file, field-level refusals, files and directories."""
from __future__ import annotations

from datetime import time, timedelta

import pytest

from config.loader import ConfigError, ConfigProblem, load_directory, load_file
from config.schema import ProofRule
from tests.config import ENV, EXAMPLE, TOKEN, changed, example, write_tenant

FILE = "harbor-barbers.yaml"


def refusal(tmp_path, data, environ=ENV) -> list[ConfigProblem]:
    """The problems a tenant file with this data is refused with."""
    path = write_tenant(tmp_path, data)
    with pytest.raises(ConfigError) as refused:
        load_file(path, environ)
    return refused.value.problems


def problem_at(problems: list[ConfigProblem], field: str) -> ConfigProblem:
    assert {p.file for p in problems} == {FILE}
    found = [p for p in problems if p.field == field]
    assert found, f"no problem at {field!r}; got {[str(p) for p in problems]}"
    return found[0]


# --- the reference file ---------------------------------------------------------------

def test_the_example_is_accepted_as_it_is():
    tenant = load_file(EXAMPLE, ENV)

    assert tenant.tenant == "harbor-barbers"
    assert tenant.api_token == TOKEN
    assert [t.id for t in tenant.tasks] == ["opening", "jars", "cooler", "cash", "handoff-note"]
    assert tenant.task("opening").due == timedelta(minutes=30)
    assert tenant.task("opening").proof == "photo"
    assert tenant.task("cooler").proof == ProofRule(number={"min": 33, "max": 41, "unit": "F"})
    assert tenant.hours == {"mon-fri": (time(9), time(19)), "sat": (time(9), time(17)), "sun": "closed"}
    assert tenant.person("lena").quiet_hours == (time(21), time(7))
    assert tenant.digest.time == time(8)


def test_the_api_speaks_for_customers_unless_the_file_says_people_too(tmp_path):
    assert load_file(EXAMPLE, ENV).api_scope == ("customers",)
    widened = load_file(write_tenant(tmp_path, changed("api_scope", ["customers", "people"])), ENV)
    assert widened.api_scope == ("customers", "people")


def test_phones_are_normalised_to_e164():
    tenant = load_file(EXAMPLE, ENV)

    assert tenant.numbers == ("+16175550100",)
    assert {p.id: p.phone for p in tenant.people} == {
        "dana": "+16175550101",   # "+1 617 555 0101"
        "marco": "+16175550102",  # "617-555-0102"
        "lena": "+16175550103",   # "+16175550103"
        "sam": "+16175550104",    # "(617) 555-0104"
    }
    assert tenant.person_by_phone("+16175550104").id == "sam"


def test_a_missing_env_variable_refuses_the_file(tmp_path):
    problems = refusal(tmp_path, example(), environ={})

    assert problems == [ConfigProblem(FILE, "api_token", "environment variable HARBOR_API_TOKEN is not set")]


def test_an_empty_env_variable_counts_as_missing(tmp_path):
    problems = refusal(tmp_path, example(), environ={"HARBOR_API_TOKEN": ""})

    assert problems == [ConfigProblem(FILE, "api_token", "environment variable HARBOR_API_TOKEN is not set")]


def test_env_is_read_in_any_field(tmp_path):
    data = changed("help", "env:HARBOR_HELP")

    tenant = load_file(write_tenant(tmp_path, data), {**ENV, "HARBOR_HELP": "Text BOOK to book."})

    assert tenant.help == "Text BOOK to book."


# --- one field changed: the file is refused, naming the field and the reason --------------

@pytest.mark.parametrize("path, value, field, reason", [
    pytest.param("tasks[0].cadence", "0 25 * * *", "tasks[0].cadence",
                 "'0 25 * * *' is not a valid cron expression", id="bad cron"),
    pytest.param("tasks[0].cadence", "every morning", "tasks[0].cadence",
                 "is not a valid cron expression", id="cron in words"),
    pytest.param("tasks[1].cadence", "RRULE:FREQ=SOMETIMES", "tasks[1].cadence",
                 "is not a valid RRULE", id="bad RRULE"),
    pytest.param("tasks[1].cadence", "RRULE:FREQ=WEEKLY;BYDAY=XX", "tasks[1].cadence",
                 "invalid 'BYDAY'", id="bad RRULE day"),
    pytest.param("tasks[0].due", "30 minutes", "tasks[0].due",
                 "'30 minutes' is not a duration like 30s, 15m, 2h or 1d", id="bad task duration"),
    pytest.param("services[0].duration", "half an hour", "services[0].duration",
                 "is not a duration", id="bad service duration"),
    pytest.param("booking.hold", "10x", "booking.hold", "is not a duration", id="bad booking duration"),
    pytest.param("escalation.default[0].wait", "soon", "escalation.default[0].wait",
                 "is not a duration", id="bad wait"),
    pytest.param("timezone", "America/Boston", "timezone",
                 "'America/Boston' is not a time zone", id="bad time zone"),
    pytest.param("hours.sat", "17:00-09:00", "hours.sat", "closes before it opens", id="hours backwards"),
    pytest.param("hours.sat", "9-5", "hours.sat",
                 "'9-5' is not opening hours like 09:00-17:00, or closed", id="hours not a range"),
    pytest.param("hours.sat", "09:00-25:00", "hours.sat", "is not opening hours", id="hour out of range"),
    pytest.param("hours.funday", "09:00-17:00", "hours.funday",
                 "'funday' is not a day (mon..sun)", id="unknown day"),
    pytest.param("hours.mon-fry", "09:00-17:00", "hours.mon-fry", "is not a day", id="unknown day in range"),
    pytest.param("hours.wed", "10:00-12:00", "hours", "wed is given twice, in 'mon-fri' and 'wed'",
                 id="day given twice"),
    pytest.param("people[2].quiet_hours", "late", "people[2].quiet_hours",
                 "is not a range like 09:00-17:00", id="bad quiet hours"),
    pytest.param("digest.time", 570, "digest.time", "put times in quotes",
                 id="unquoted time read by YAML as a number"),
    pytest.param("digest.day", "monday", "digest.day", "should be 'mon', 'tue'", id="bad digest day"),
    pytest.param("people[3].phone", "555-0104", "people[3].phone",
                 "'555-0104' is not a valid phone number for US", id="invalid person phone"),
    pytest.param("numbers[0]", "12", "numbers[0]", "'12' is not a valid phone number for US",
                 id="invalid business number"),
    pytest.param("numbers", [], "numbers", "needs at least 1 item", id="no business number"),
    pytest.param("country", "USA", "country", "'USA' is not a country code such as US", id="bad country"),
    pytest.param("timezon", "America/New_York", "timezon", "is not a known field", id="top-level typo"),
    pytest.param("tasks[0].prooff", "photo", "tasks[0].prooff", "is not a known field", id="task field typo"),
    pytest.param("tasks[0].proof", "video", "tasks[0].proof",
                 "'video' is not a proof: use photo, text, none or {number: {min, max, unit}}", id="proof video"),
    pytest.param("tasks[0].proof", 5, "tasks[0].proof", "5 is not a proof", id="proof a number"),
    pytest.param("tasks[2].proof.number.min", "cold", "tasks[2].proof.number.min",
                 "should be a valid number", id="proof min not a number"),
    pytest.param("tasks[2].proof", {"numbr": {"min": 1}}, "tasks[2].proof.numbr",
                 "is not a known field", id="proof rule typo"),
    pytest.param("tenant", "Harbor Barbers", "tenant", "'Harbor Barbers' is not a tenant id", id="bad tenant id"),
    pytest.param("tasks[0].id", "Opening!", "tasks[0].id", "'Opening!' is not an id", id="bad task id"),
    pytest.param("services[0].price", "cheap", "services[0].price", "should be a valid decimal", id="bad price"),
    pytest.param("integrations.payments", "stripe", "integrations.payments",
                 "'stripe' is not a payments provider: none, or {stripe: {secret_key, webhook_secret}}",
                 id="unknown payments"),
    pytest.param("people", "dana", "people", "should be a list", id="people not a list"),
    pytest.param("people[0]", "dana", "people[0]", "should be a mapping", id="person not a mapping"),
    pytest.param("api_scope", ["customers", "everyone"], "api_scope[1]",
                 "should be 'customers' or 'people', not 'everyone'", id="unknown api scope"),
    pytest.param("api_scope", [], "api_scope", "name whom the API speaks for", id="empty api scope"),
    pytest.param("escalation.default[0].notify", "everyone", "escalation.default[0].notify",
                 "'everyone' is not assignee, backup, owner, role:NAME or person:ID", id="unknown notify"),
])
def test_a_bad_field_is_refused_with_file_field_and_reason(tmp_path, path, value, field, reason):
    problems = refusal(tmp_path, changed(path, value))

    assert reason in problem_at(problems, field).reason


@pytest.mark.parametrize("path, value", [
    pytest.param("tasks[0].proof", "video", id="proof word"),
    pytest.param("tasks[2].proof.number.max", "warm", id="proof rule"),
    pytest.param("hours.sat", "9-5", id="opening hours"),
])
def test_a_field_with_alternative_forms_gives_one_problem(tmp_path, path, value):
    problems = refusal(tmp_path, changed(path, value))

    assert len(problems) == 1, [str(p) for p in problems]


def test_a_missing_required_field_is_named(tmp_path):
    data = example()
    del data["people"][0]["name"]

    assert refusal(tmp_path, data) == [ConfigProblem(FILE, "people[0].name", "is required")]


def test_every_problem_in_a_file_is_reported(tmp_path):
    data = changed("timezone", "Mars/Olympus")
    data["tasks"][0]["due"] = "soon"

    problems = refusal(tmp_path, data)

    assert [p.field for p in problems] == ["timezone", "tasks[0].due"]


# --- files that are not a tenant at all -----------------------------------------------------

@pytest.mark.parametrize("text, reason", [
    pytest.param("tenant: [harbor\nname: x\n", "is not valid YAML: line 2, column 5", id="YAML syntax error"),
    pytest.param("- tenant: harbor-barbers\n", "must be a mapping of tenant fields, not a list", id="a list"),
    pytest.param("harbor-barbers\n", "must be a mapping of tenant fields, not a str", id="a string"),
    pytest.param("# nothing yet\n", "is empty", id="empty"),
])
def test_a_file_that_is_not_a_mapping_is_refused(tmp_path, text, reason):
    path = tmp_path / FILE
    path.write_text(text, encoding="utf-8")

    with pytest.raises(ConfigError) as refused:
        load_file(path, ENV)

    [problem] = refused.value.problems
    assert (problem.file, problem.field) == (FILE, "")
    assert reason in problem.reason


# --- directories ------------------------------------------------------------------------------

def other_shop(**fields) -> dict:
    """A second tenant: the reference file under another id, number and token."""
    data = example()
    data.update({"tenant": "other-shop", "numbers": ["+1 617 555 0199"], "api_token": "env:OTHER_API_TOKEN",
                 **fields})
    return data


BOTH_ENV = {**ENV, "OTHER_API_TOKEN": "other-test-token"}


def test_every_yaml_file_of_a_directory_is_a_tenant(tmp_path):
    write_tenant(tmp_path, example(), "a-harbor.yaml")
    write_tenant(tmp_path, other_shop(), "b-other.yaml")
    (tmp_path / "notes.txt").write_text("not a tenant")

    result = load_directory(tmp_path, BOTH_ENV)

    assert result.problems == ()
    assert [t.tenant for t in result.tenants] == ["harbor-barbers", "other-shop"]


def test_a_bad_file_is_refused_and_the_good_one_still_loads(tmp_path):
    write_tenant(tmp_path, changed("tasks[0].owner", "zed"), "a-broken.yaml")
    write_tenant(tmp_path, other_shop(), "b-other.yaml")

    result = load_directory(tmp_path, BOTH_ENV)

    assert [t.tenant for t in result.tenants] == ["other-shop"]
    assert result.problems == (ConfigProblem("a-broken.yaml", "tasks[0].owner", "unknown person 'zed'"),)


def test_a_number_claimed_by_two_files_refuses_both(tmp_path):
    write_tenant(tmp_path, example(), "a-harbor.yaml")
    write_tenant(tmp_path, other_shop(numbers=["+1 617 555 0111", "617 555 0100"]), "b-other.yaml")

    result = load_directory(tmp_path, BOTH_ENV)

    assert result.tenants == ()
    assert result.problems == (
        ConfigProblem("a-harbor.yaml", "numbers[0]",
                      "+16175550100 is also claimed by b-other.yaml: both files are refused"),
        ConfigProblem("b-other.yaml", "numbers[1]",
                      "+16175550100 is also claimed by a-harbor.yaml: both files are refused"))


def test_the_same_tenant_id_in_two_files_refuses_both(tmp_path):
    write_tenant(tmp_path, example(), "a-harbor.yaml")
    write_tenant(tmp_path, other_shop(tenant="harbor-barbers"), "b-copy.yaml")
    write_tenant(tmp_path, other_shop(tenant="third", numbers=["+1 617 555 0122"], api_token="third-token"),
                 "c-third.yaml")

    result = load_directory(tmp_path, BOTH_ENV)

    assert [t.tenant for t in result.tenants] == ["third"]
    assert result.problems == (
        ConfigProblem("a-harbor.yaml", "tenant",
                      "tenant id 'harbor-barbers' is also claimed by b-copy.yaml: both files are refused"),
        ConfigProblem("b-copy.yaml", "tenant",
                      "tenant id 'harbor-barbers' is also claimed by a-harbor.yaml: both files are refused"))


def test_two_tenants_with_one_api_token_are_both_refused(tmp_path):
    write_tenant(tmp_path, example(), "a-harbor.yaml")
    write_tenant(tmp_path, other_shop(api_token="env:HARBOR_API_TOKEN"), "b-other.yaml")

    result = load_directory(tmp_path, BOTH_ENV)

    assert result.tenants == ()
    assert [(p.file, p.field) for p in result.problems] == [("a-harbor.yaml", "api_token"),
                                                              ("b-other.yaml", "api_token")]
    assert "the API token is also claimed by b-other.yaml" in result.problems[0].reason
    assert TOKEN not in str(result.problems)


def test_an_empty_directory_is_a_problem(tmp_path):
    result = load_directory(tmp_path, ENV)

    assert result.tenants == ()
    assert result.problems == (ConfigProblem(str(tmp_path), "", "holds no *.yaml tenant files"),)


def test_a_missing_directory_is_a_problem(tmp_path):
    result = load_directory(tmp_path / "nowhere", ENV)

    assert result.problems == (ConfigProblem(str(tmp_path / "nowhere"), "", "no such file or directory"),)


def test_a_single_file_can_be_loaded_as_a_directory(tmp_path):
    result = load_directory(write_tenant(tmp_path, example(), "anything.yml"), ENV)

    assert result.problems == ()
    assert [t.tenant for t in result.tenants] == ["harbor-barbers"]


def test_a_problem_reads_file_field_reason():
    assert str(ConfigProblem(FILE, "tasks[0].proof", "'video' is not a proof")) == \
        "harbor-barbers.yaml: tasks[0].proof: 'video' is not a proof"
    assert str(ConfigProblem(FILE, "", "is empty")) == "harbor-barbers.yaml: is empty"

"""Rules that relate one part of a tenant file to another, as the loader reports them."""
from __future__ import annotations

import pytest

from config.checks import cross_check
from config.loader import ConfigError, load_file
from tests.config import ENV, EXAMPLE, changed, example, write_tenant

FILE = "harbor-barbers.yaml"


def problems_of(tmp_path, data) -> list[tuple[str, str]]:
    """(field, reason) of every problem the file is refused with."""
    with pytest.raises(ConfigError) as refused:
        load_file(write_tenant(tmp_path, data), ENV)
    assert {p.file for p in refused.value.problems} == {FILE}
    return [(p.field, p.reason) for p in refused.value.problems]


def reason_at(problems: list[tuple[str, str]], field: str) -> str:
    reasons = [reason for where, reason in problems if where == field]
    assert reasons, f"no problem at {field!r}; got {problems}"
    return reasons[0]


def test_the_example_passes_every_check():
    assert cross_check(load_file(EXAMPLE, ENV)) == []


OWNER_FIRST = [{"notify": "owner", "wait": "10m"}, {"notify": "assignee", "wait": "10m"}, {"notify": "owner"}]


@pytest.mark.parametrize("path, value, field, reason", [
    # people
    pytest.param("tasks[0].owner", "zed", "tasks[0].owner", "unknown person 'zed'", id="unknown task owner"),
    pytest.param("tasks[0].backup", "zed", "tasks[0].backup", "unknown person 'zed'", id="unknown task backup"),
    pytest.param("operator", "zed", "operator", "unknown person 'zed'", id="unknown operator"),
    pytest.param("people[3].phone", "617 555 0103", "people[3].phone",
                 "+16175550103 is used by more than one person", id="duplicate phone"),
    pytest.param("people[3].phone", "(617) 555-0100", "people[3].phone",
                 "+16175550100 is one of the business's own numbers", id="phone is a business number"),
    pytest.param("numbers", ["+1 617 555 0100", "617-555-0100"], "numbers[1]",
                 "+16175550100 is listed more than once", id="business number twice"),
    pytest.param("people[0].role", "boss", "people", "no person has role: owner", id="no owner"),
    # ids
    pytest.param("people[3].id", "lena", "people[3].id", "'lena' is used by more than one person",
                 id="duplicate person id"),
    pytest.param("tasks[1].id", "opening", "tasks[1].id", "'opening' is used by more than one task",
                 id="duplicate task id"),
    pytest.param("services[1].id", "haircut", "services[1].id", "'haircut' is used by more than one service",
                 id="duplicate service id"),
    # escalation chains
    pytest.param("tasks[0].escalation", "panic", "tasks[0].escalation", "unknown escalation chain 'panic'",
                 id="unknown chain on a task"),
    pytest.param("escalation.urgent", OWNER_FIRST, "escalation.urgent[0].notify",
                 "the owner is never the first step", id="owner first"),
    pytest.param("escalation.urgent", [{"notify": "owner"}], "escalation.urgent[0].notify",
                 "the owner is never the first step", id="owner alone"),
    pytest.param("escalation.default[0].notify", "person:dana", "escalation.default[0].notify",
                 "the owner is never the first step", id="owner first by person id"),
    pytest.param("escalation.default[2].notify", "owner", "escalation.default[2].notify",
                 "only the last step may notify the owner", id="owner in the middle"),
    pytest.param("escalation.default[2].notify", "role:owner", "escalation.default[2].notify",
                 "only the last step may notify the owner", id="owner in the middle by role"),
    pytest.param("escalation.urgent[2].notify", "backup", "escalation.urgent",
                 "the last step must notify the owner", id="chain not ending in owner"),
    pytest.param("escalation.urgent", [], "escalation.urgent", "a chain needs at least one step", id="empty chain"),
    pytest.param("escalation.default[2].notify", "role:janitor", "escalation.default[2].notify",
                 "no person has role 'janitor'", id="unknown role"),
    pytest.param("escalation.default[2].notify", "person:zed", "escalation.default[2].notify",
                 "unknown person 'zed'", id="unknown person"),
    # numbers and money
    pytest.param("tasks[2].proof.number.min", 50, "tasks[2].proof.number", "min 50 is more than max 41",
                 id="proof range backwards"),
    pytest.param("services[3].deposit", 200, "services[3].deposit", "200 is more than the price (120)",
                 id="deposit above price"),
])
def test_a_broken_cross_reference_is_refused(tmp_path, path, value, field, reason):
    problems = problems_of(tmp_path, changed(path, value))

    assert reason in reason_at(problems, field)


def test_owner_first_is_the_only_problem_of_an_otherwise_good_chain(tmp_path):
    problems = problems_of(tmp_path, changed("escalation.urgent", OWNER_FIRST))

    assert [field for field, _ in problems] == ["escalation.urgent[0].notify"]


def test_a_duplicate_phone_names_both_people(tmp_path):
    problems = problems_of(tmp_path, changed("people[3].phone", "617 555 0103"))

    assert [field for field, _ in problems] == ["people[2].phone", "people[3].phone"]


def test_without_a_default_chain_each_task_that_relies_on_it_is_named(tmp_path):
    data = example()
    del data["escalation"]["default"]

    problems = problems_of(tmp_path, data)

    assert [field for field, _ in problems] == [
        "tasks[0].escalation", "tasks[1].escalation", "tasks[3].escalation", "tasks[4].escalation"]
    assert "no chain named 'default'" in problems[0][1]


def test_a_deposit_equal_to_the_price_is_accepted(tmp_path):
    tenant = load_file(write_tenant(tmp_path, changed("services[3].deposit", 120)), ENV)

    assert tenant.services[3].deposit == 120

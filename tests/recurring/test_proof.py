"""Readings as people type them, units, and the task's range."""
import pytest

from config.schema import NumberProof, Task
from recurring.proof import Reading, parse_reading, proof_kind, reading_flags, recorded_unit, what_to_send

COOLER = NumberProof(min=33, max=41, unit="F")


@pytest.mark.parametrize("text, value, unit", [
    ("38", 38, None), ("38F", 38, "F"), ("38 f", 38, "F"), ("38.5 °F", 38.5, "F"), ("38°", 38, "°"),
    ("it's 38", 38, None), ("done 38", 38, None), ("cooler done 38 degrees", 38, "°"), ("-2C", -2, "C"),
    ("$1,250.50", 1250.5, "USD"), ("1250 usd", 1250, "USD"), ("done, 412 dollars", 412, "USD"),
    # Written as much of the world writes it, in cents, or taken back and given again
    ("caja 2.104,75", 2104.75, None), ("drawer $1.050,00", 1050, "USD"), ("1,388 and 25 cents", 1388.25, None),
    ("fridge 39... wait no 37", 37, None), ("$1,450.20 - actually $1,405.20, typo", 1405.2, "USD"),
    ("cooler 38, sorry it's late", 38, None),  # nothing given again: the first stands
    ("fridge checked at 8:55: 36F, door was shut", 36, "F"), ("at 9am the cooler read 37", 37, None),  # not the clock
    ("cooler was 46 when I came in, 39 now", 39, None), ("44 earlier, now it's 38", 38, None),  # as it stands
])
def test_readings(text, value, unit):
    assert parse_reading(text) == Reading(value, unit)


@pytest.mark.parametrize("text", ["done", "all done ✅", "opening done", ""])
def test_no_reading(text):
    assert parse_reading(text) is None


@pytest.mark.parametrize("reading, flags", [
    (Reading(38, None), []), (Reading(33, "F"), []), (Reading(41, "f"), []), (Reading(38, "°"), []),
    (Reading(45, None), ["out_of_range"]), (Reading(32.9, "F"), ["out_of_range"]),
    (Reading(4, "C"), ["unit_mismatch"]),
])
def test_range_and_unit(reading, flags):
    assert reading_flags(reading, COOLER) == flags


def test_recorded_unit_is_the_tasks_unless_another_was_given():
    assert recorded_unit(Reading(38, None), COOLER) == "F"
    assert recorded_unit(Reading(38, "°"), COOLER) == "F"
    assert recorded_unit(Reading(4, "C"), COOLER) == "C"


def test_an_open_range_has_no_limit():
    assert reading_flags(Reading(10_000, None), NumberProof(min=0, unit="USD")) == []


@pytest.mark.parametrize("proof, kind, words", [
    ("photo", "photo", "a photo"), ("text", "text", "a short note"), ("none", "none", "nothing more"),
    ({"number": {"min": 33, "max": 41, "unit": "F"}}, "number", "the reading in F (33 to 41)"),
])
def test_what_a_task_asks_for(proof, kind, words):
    task = Task(id="t", title="T", cadence="0 9 * * *", due="30m", owner="lena", proof=proof)
    assert proof_kind(task) == kind and what_to_send(task) == words

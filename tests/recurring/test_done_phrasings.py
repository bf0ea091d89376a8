"""How staff write `done`, and what else they text: table tests for the parser."""
import pytest

from agents.staff_intent import note_of, parse_command


@pytest.mark.parametrize("text", [
    "done", "Done!", "DONE.", "finished", "all done ✅", "✅", "did it", "complete", "Completed",
    "all set", "opening done", "Done - towels stocked", "done 38", "it's 38", "38F", "38.5 °F",
])
def test_done_as_people_write_it(text):
    assert parse_command(text).kind == "done"


@pytest.mark.parametrize("text, kind", [
    ("not done yet", "not_yet"), ("almost done", "not_yet"), ("haven't finished", "not_yet"),
    ("not yet, 10 min", "not_yet"), ("done in 10 min", "not_yet"), ("still on the cooler", "not_yet"),
    ("done?", "question"), ("is it done?", "question"),
    ("tasks", "tasks"), ("Tasks?", "tasks"), ("my tasks", "tasks"),
    ("steps", "steps"), ("how", "steps"), ("How?", "steps"), ("how do i do the jars", "steps"),
    ("can't, no towels left", "skip"), ("cant do it sick", "skip"), ("Skip cooler broken", "skip"),
    ("skip", "skip"), ("hello", "unknown"), ("what now?", "unknown"), ("", "unknown"),
])
def test_other_staff_texts(text, kind):
    assert parse_command(text).kind == kind


def test_a_photo_with_no_words_is_done():
    assert parse_command("", has_media=True).kind == "done"


@pytest.mark.parametrize("text, words", [
    ("opening done", ("opening",)), ("cooler done 38", ("cooler",)), ("Done!", ()),
    ("all done ✅", ()), ("jars finished", ("jars",)),
])
def test_words_that_may_name_a_task(text, words):
    assert parse_command(text).words == words


@pytest.mark.parametrize("text, pick, value", [
    ("1", 1, 1.0), ("2.", 2, 2.0), ("2 done", 2, None), ("2 done 38", 2, 38.0), ("#3", 3, 3.0),
])
def test_answers_to_a_numbered_list(text, pick, value):
    command = parse_command(text)
    assert command.kind == "done" and command.pick == pick
    assert (command.reading.value if command.reading else None) == value


@pytest.mark.parametrize("text, reason", [
    ("can't, no towels left", "no towels left"), ("Skip: cooler broken", "cooler broken"),
    ("skip", ""), ("cannot do it today. Sick", "do it today. Sick"),
])
def test_skip_reasons(text, reason):
    assert parse_command(text).reason == reason


@pytest.mark.parametrize("text, note", [
    ("done - towels low, gel reordered", "towels low, gel reordered"), ("Done", ""),
    ("All done: left the keys with Sam", "left the keys with Sam"), ("Towels low", "Towels low"),
])
def test_notes(text, note):
    assert note_of(text) == note

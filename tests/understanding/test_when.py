"""Days and times as customers write them, read in the tenant's zone."""
from __future__ import annotations

from datetime import date, datetime, time

import pytest

from agents.understanding.text import fold
from agents.understanding.when import read_when
from tests.understanding.labelled import harbor

MONDAY = datetime.fromisoformat("2026-11-23T10:00:00-05:00")
SATURDAY = datetime.fromisoformat("2026-11-28T10:00:00-05:00")
SUNDAY = datetime.fromisoformat("2026-11-29T10:00:00-05:00")
LATE_SUNDAY_UTC = datetime.fromisoformat("2026-11-30T02:00:00+00:00")  # still Sunday in New York


@pytest.fixture(scope="module")
def tenant():
    return harbor()


@pytest.mark.parametrize("text, now, day, clock", [
    ("tomorrow at 3", MONDAY, date(2026, 11, 24), time(15)),
    ("monday at 3", MONDAY, date(2026, 11, 30), time(15)),          # today's name: next week
    ("this monday at 3", MONDAY, date(2026, 11, 23), time(15)),
    ("next tuesday", MONDAY, date(2026, 12, 1), None),
    ("next tuesday", datetime.fromisoformat("2026-11-26T10:00:00-05:00"), date(2026, 12, 1), None),
    ("this weekend", MONDAY, date(2026, 11, 28), None),
    ("this weekend", SUNDAY, date(2026, 11, 29), None),
    ("tomorrow", LATE_SUNDAY_UTC, date(2026, 11, 30), None),        # the tenant's day, not UTC's
    ("the 23rd", MONDAY, date(2026, 11, 23), None),
    ("the 22nd", MONDAY, date(2026, 12, 22), None),
    ("jan 5 at 9", MONDAY, date(2027, 1, 5), time(9)),
    ("5 de enero", MONDAY, date(2027, 1, 5), None),
    ("thanksgiving", MONDAY, date(2026, 11, 26), None),
    ("wensday at 10", MONDAY, date(2026, 11, 25), time(10)),
    ("thurday 4:15", MONDAY, date(2026, 11, 26), time(16, 15)),
    ("saturday at 5", MONDAY, date(2026, 11, 28), time(17)),
    ("yesterday at 3", MONDAY, date(2026, 11, 22), time(15)),       # past days stay past: the agent says so
    ("ayer", MONDAY, date(2026, 11, 22), None),
    ("the day before yesterday", MONDAY, date(2026, 11, 21), None),
    ("last friday", MONDAY, date(2026, 11, 20), None),
    ("last monday", MONDAY, date(2026, 11, 16), None),
    ("last friday", SATURDAY, date(2026, 11, 27), None),
    ("at 8", MONDAY, None, time(8)),
    ("at 12", MONDAY, None, time(12)),
    ("7am", MONDAY, None, time(7)),
    ("at 10 tonight", MONDAY, date(2026, 11, 23), time(22)),
    ("half past 2", MONDAY, None, time(14, 30)),
    ("quarter to 11", MONDAY, None, time(10, 45)),
    ("a las 4 y media", MONDAY, None, time(16, 30)),
    ("mañana por la mañana", MONDAY, date(2026, 11, 24), None),
    ("pasado mañana a las 11", MONDAY, date(2026, 11, 25), time(11)),
    ("from 2 to 4 on friday", MONDAY, date(2026, 11, 27), time(16)),
    ("friday not thursday", MONDAY, date(2026, 11, 27), None),
    ("3 people at 2", MONDAY, None, time(14)),
    ("my son is 7", MONDAY, None, None),
    ("$35 for a cut?", MONDAY, None, None),
    # found on the dev2 split
    ("this wednesday, at twenty past three", MONDAY, date(2026, 11, 25), time(15, 20)),
    ("10 after 4 friday", MONDAY, date(2026, 11, 27), time(16, 10)),
    ("tuesday next at half past two", MONDAY, date(2026, 12, 1), time(14, 30)),
    ("the usual next week, wednesday morning", MONDAY, date(2026, 12, 2), None),
    ("any time tues the 1st? he's in 3rd grade", MONDAY, date(2026, 12, 1), None),
    ("call me back at 617 555 2198 about friday", MONDAY, date(2026, 11, 27), None),
    ("cant do 2, got class til 3. 4?", MONDAY, None, time(16)),
    ("need to shift my appt to thursday at 3", MONDAY, date(2026, 11, 26), time(15)),
    ("a 10:15 slot wednesday, i work the night shift", MONDAY, date(2026, 11, 25), time(10, 15)),
    ("quiero un corte pa mñn a las tres y media", MONDAY, date(2026, 11, 24), time(15, 30)),
    ("color el 1ro de diciembre a las 10am", MONDAY, date(2026, 12, 1), time(10)),
    ("se puede correr mi cita pa las 6?", MONDAY, None, time(18)),
    ("cuts this sat? we need to be out by 1 for a party", MONDAY, date(2026, 11, 28), None),
    ("tengo q llevar a mi mamá al médico a las 11, no voy a poder ir hoy", MONDAY, date(2026, 11, 23), None),
    ("I'm out of town til the 8th, drop my appt", MONDAY, None, None),
    # found on the dev3 split: days and times that are another thing's
    ("beard thu 12/3 11am", MONDAY, date(2026, 12, 3), time(11)),
    ("cita pa teñirme el pelo el miércoles 2 a las 10?", MONDAY, date(2026, 12, 2), time(10)),
    ("can i come sat 5", MONDAY, date(2026, 11, 28), time(17)),  # a small bare number is an hour
    ("friday week at 3", MONDAY, date(2026, 12, 4), time(15)),
    ("trim today at 5?? lab ends at 4:30 so thatd work", MONDAY, date(2026, 11, 23), time(17)),
    ("like 3ish today?? midterm at 10 tmrw", MONDAY, date(2026, 11, 23), time(15)),
    ("trim. tmrw 10:45? i have a 9am so after that", MONDAY, date(2026, 11, 24), time(10, 45)),
    ("a fade on the 30th. like 4:15. my cousins wedding is the 5th", MONDAY, date(2026, 11, 30), time(16, 15)),
    ("the boys on dec 2? pickup's at 3:30, so 4 is ideal", MONDAY, date(2026, 12, 2), time(16)),
    ("fade + beard. next fri. 11ish. thats it", MONDAY, date(2026, 12, 4), time(11)),
    ("a cut and a shave, day after tomorrah, around 2", MONDAY, date(2026, 11, 25), time(14)),
    ("a beard trim this aftanoon?", MONDAY, date(2026, 11, 23), None),
    ("a cut monday at 4? gotta be outta there by 5", MONDAY, date(2026, 11, 30), time(16)),
    ("hay espacio el sábado? a eso de las 12", MONDAY, date(2026, 11, 28), time(12)),
    ("move my haircut to saturday? hockey practice got moved to friday at 4", MONDAY, date(2026, 11, 28), None),
])
def test_day_and_time(tenant, text, now, day, clock):
    when = read_when(fold(text), tenant, now)
    assert (when.day, when.time) == (day, clock)


def test_a_moment_in_spanish_diminutives(tenant):
    assert read_when(fold("me pueden meter hoy en 2 horitas?"), tenant, MONDAY).time == time(12)


def test_a_moment_in_two_hours_is_in_the_tenants_zone(tenant):
    when = read_when(fold("in 2 hours"), tenant, datetime.fromisoformat("2026-11-23T15:00:00+00:00"))
    assert when.at == datetime.fromisoformat("2026-11-23T12:00:00-05:00")
    assert (when.day, when.time) == (date(2026, 11, 23), time(12))


def test_day_first_dates_outside_north_america(tenant):
    british = tenant.model_copy(update={"country": "GB", "timezone": "Europe/London"})
    assert read_when(fold("12/2"), british, MONDAY).day == date(2027, 2, 12)
    assert read_when(fold("12/2"), tenant, MONDAY).day == date(2026, 12, 2)


@pytest.mark.parametrize("text, period", [
    ("tomorrow morning", "morning"), ("after lunch", "afternoon"), ("tonight", "evening"),
    ("en la tarde", "afternoon"), ("after work", "evening"), ("first thing", "morning")])
def test_periods(tenant, text, period):
    assert read_when(fold(text), tenant, SATURDAY).period == period


@pytest.mark.parametrize("text, day, clock", [
    # Times in words, and numbers without a colon
    ("friday at four forty five", date(2026, 11, 27), time(16, 45)),
    ("at eleven fifteen", None, time(11, 15)),
    ("half past nine tomorrow", date(2026, 11, 24), time(9, 30)),
    ("saturday two o'clock", date(2026, 11, 28), time(14)),
    ("quarter to six", None, time(17, 45)),
    ("noonish", None, time(12)),
    ("tomorrow 1545", date(2026, 11, 24), time(15, 45)),
    ("at 10 45 on wednesday", date(2026, 11, 25), time(10, 45)),
    ("half four on tuesday", date(2026, 11, 24), time(16, 30)),  # British: half past four
    ("december first at nine", date(2026, 12, 1), time(9)),
    ("the twenty first at one", date(2026, 12, 21), time(13)),
    ("my second visit, thursday", date(2026, 11, 26), None),      # an ordinal that is no date
    ("a las cuatro y cuarto", None, time(16, 15)),
    ("el sábado a las 5 menos cuarto", date(2026, 11, 28), time(16, 45)),
    ("a las 8 de la noche", None, time(20)),
    ("a la una el viernes", date(2026, 11, 27), time(13)),
    # Days counted from another
    ("a week from tuesday", date(2026, 12, 1), None),
    ("the tuesday after next", date(2026, 12, 1), None),
    ("el jueves de la semana que viene", date(2026, 12, 3), None),
    ("in 2 weeks", date(2026, 12, 7), None),
    ("the day after christmas", date(2026, 12, 26), None),
    ("the day before new year's eve", date(2026, 12, 30), None),
    ("labor day", date(2027, 9, 6), None),                         # the tenant's country's calendar
    ("happy thanksgiving!", None, None),
    # Numbers that are not the appointment's time
    ("got a dentist appointment at 3 so tomorrow at 11", date(2026, 11, 24), time(11)),
    ("I have a meeting tuesday at 2, can I come friday", date(2026, 11, 27), None),
    ("my son gets out of class at 2:15, wednesday afternoon?", date(2026, 11, 25), None),
    ("flying out thursday at 6, can you fit me in that morning", date(2026, 11, 26), None),
    ("after school at 3:30", None, time(15, 30)),
    ("bring my 4 kids saturday", date(2026, 11, 28), None),
    ("my 10:15 tomorrow", date(2026, 11, 24), time(10, 15)),
    ("can i come at 3 thx", None, time(15)),
    # The day to move to, beside days of other things
    ("can you move me to thursday? my kid's recital is on the 27th", date(2026, 11, 26), None),
    ("para el jueves 3 de diciembre a las 2 por favor", date(2026, 12, 3), time(14)),
    ("friday works, we're away for the long weekend after", date(2026, 11, 27), None),
    ("wednesday at 4? there's no school for thanksgiving", date(2026, 11, 25), time(16)),
    ("el viernes mejor, tengo examen el jueves", date(2026, 11, 27), None),
    ("cancel my tuesday one, visiting my sister through the 2nd", date(2026, 11, 24), None),
    ("nos vamos pa santo domingo el sábado", date(2026, 11, 28), None),
    ("my bday's this weekend, a fade for it?", date(2026, 11, 28), None),
    # Times and days of a clause about something else, beside the clause that asks
    ("fade thursday 11:45? I've got a zoom call at 1", date(2026, 11, 26), time(11, 45)),
    ("Trim tomorrow at 10 if you can. My train leaves at 2:20.", date(2026, 11, 24), time(10)),
    ("friday at 3 please, school gets out at 2:30", date(2026, 11, 27), time(15)),
    ("corte el jueves a las 12, salgo de la oficina a las 11", date(2026, 11, 26), time(12)),
    ("my train's at 4 so i need a cut before", None, None),
    ("sorry, my flight got moved to tomorrow at 6am so cancel my wednesday one", date(2026, 11, 25), None),
    ("cut on the 9th at 10? I'll be 40 on the 10th lol", date(2026, 12, 9), time(10)),
    ("cancel my thursday, I'm back on the 7th", date(2026, 11, 26), None),
    ("friday 2pm, the kids are with their dad that weekend", date(2026, 11, 27), time(14)),
    ("corte el viernes a las 10 xq tiene fiesta", date(2026, 11, 27), time(10)),
    ("can u do wed 11:30? gotta be back at the office by 1", date(2026, 11, 25), time(11, 30)),
    ("today if possible, I'm free 3 to 4", date(2026, 11, 23), None),  # not the range's end
    ("switch my thurs 3pm to sat morning?", date(2026, 11, 28), None),  # the visit being moved
    ("move me to monday, mandatory training sat 8-4", date(2026, 11, 30), None),
    ("4:30 would work better. does that work?", None, time(16, 30)),
    ("the kids got out early at 12, tonight?", date(2026, 11, 23), None),
    # The clause that asks, beside clauses about other things; options left open
    ("shave thurs 1:15 pls. dinner reservation at 7 that night", date(2026, 11, 26), time(13, 15)),
    ("can we do fri instead of thurs for my trim? open house thurs 1-4", date(2026, 11, 27), None),
    ("either tuesday or wednesday at 6 works", None, time(18)),
    ("thursday 3pm or friday 4pm, whichever", None, None),
    ("saturday, 10 or 11?", date(2026, 11, 28), None),
    ("cuts for the team sat at 9, our 2nd game is the 5th", date(2026, 11, 28), time(9)),
    ("can't make my beard trim on thursday, dec 3rd", date(2026, 12, 3), None),
    ("cancel saturday's cut, my wife did it last night", date(2026, 11, 28), None),
    ("cancel my friday one, got it done last night", date(2026, 11, 27), None),  # a past day gives way
    ("monday at 11 or 12 works", date(2026, 11, 30), None),  # a time said with its cue, then another
    ("mejor pa'l viernes a las 11, el jueves no puedo", date(2026, 11, 27), time(11)),
    ("thursday at the same time, or friday if it's full", None, None),
    ("either friday or saturday at 10:15", None, time(10, 15)),
    ("saturday, 9:30 or 10 please", date(2026, 11, 28), None),
    ("push my cut to monday please, the recital is wed at 6", date(2026, 11, 30), None),
    ("fine. book me thursday at 2 since you're asking", date(2026, 11, 26), time(14)),  # "since" explains, it is no event
    ("can we get the team in saturday? we'd start at 10", date(2026, 11, 28), time(10)),
    ("anything friday morning? 7 am starts the rest of the week", date(2026, 11, 27), None),
    # Speech-to-text's homophones, by a clock word
    ("tomorrow at for o'clock", date(2026, 11, 24), time(16)),
    ("thursday at to thirty for a fade", date(2026, 11, 26), time(14, 30)),
    # Spanish days and shorthand
    ("de hoy en ocho a las 3", date(2026, 11, 30), time(15)),
    ("el sábado 5 por la mañana", date(2026, 12, 5), None),
    ("para el día 9 en la tarde", date(2026, 12, 9), None),
    ("la paso al 11?", date(2026, 12, 11), None),
    ("shave a wk from thurs", date(2026, 12, 3), None),
    # A weekday counted from another day
    ("the monday after thanksgiving", date(2026, 11, 30), None),
    ("the friday before christmas at 10", date(2026, 12, 18), time(10)),
    ("el lunes después de navidad", date(2026, 12, 28), None),
])
def test_day_and_time_in_words(tenant, text, day, clock):
    when = read_when(fold(text), tenant, MONDAY)
    assert (when.day, when.time) == (day, clock)


@pytest.mark.parametrize("text, at", [
    ("in 45 min", "10:45"), ("in about 2 hours", "12:00"), ("in an hour and a half", "11:30"),
    ("in like 90 minutes", "11:30"), ("within half an hour", "10:30"), ("en una hora y media", "11:30"),
    ("en media hora", "10:30"), ("in one hour and half", "11:30"), ("in forty five minutes", "10:45"),
])
def test_a_moment_given_as_an_offset(tenant, text, at):
    when = read_when(fold(text), tenant, MONDAY)
    assert when.at == datetime.fromisoformat(f"2026-11-23T{at}:00-05:00")
    assert (when.day, when.time) == (date(2026, 11, 23), time.fromisoformat(at))


@pytest.mark.parametrize("text, period", [
    ("end of day friday", "evening"), ("friday night", "evening"), ("mornings work best", "morning"),
    ("el sábado para la tarde", "afternoon"), ("hoy saliendo del trabajo", "evening"),
    ("good morning, a haircut at 3?", None), ("good afternoon", None),
    ("a las 10 de la mañana", None),  # the hour's "am", not a part of the day
    ("beard wed aftn", "afternoon"), ("fri eve?", "evening"), ("thurs am", "morning"),
    ("mañana a primera hora", "morning"),
    ("at 6 tonight", None),  # the time says it all: 18:00
    ("tues afternoon, I'm working thanksgiving night", "afternoon"),  # the night is the work's
    ("staying 3 nights, a cut tomorrow?", None),
])
def test_periods_and_what_is_not_one(tenant, text, period):
    assert read_when(fold(text), tenant, MONDAY).period == period


def test_holidays_are_the_tenants_countrys(tenant):
    british = tenant.model_copy(update={"country": "GB", "timezone": "Europe/London"})
    assert read_when(fold("boxing day"), british, MONDAY).day == date(2026, 12, 26)
    assert read_when(fold("thanksgiving"), british, MONDAY).day is None  # not a holiday there
    assert read_when(fold("thanksgiving"), tenant, MONDAY).day == date(2026, 11, 26)


@pytest.mark.parametrize("text, day, clock, period", [
    # The visit placed around an event, on the only day said: that day is the visit's too.
    ("can I come in between school pickup and practice on tuesday, around 4:15?", date(2026, 11, 24), time(16, 15), None),
    ("is there anything between my dentist at 11 and school pickup at 3 tomorrow?", date(2026, 11, 24), None, None),
    # The old slot's hour, moved to a morning: no one means 3 AM.
    ("reschedule my three o'clock on wednesday to sometime thursday morning", date(2026, 11, 26), None, "morning"),
    ("1230 wed", date(2026, 11, 25), time(12, 30), None),  # a time with its minutes, then its day
])
def test_a_visit_placed_beside_other_things(tenant, text, day, clock, period):
    when = read_when(fold(text), tenant, MONDAY)
    assert (when.day, when.time, when.period) == (day, clock, period)


def test_an_event_s_day_is_not_a_cancelled_visit_s(tenant):
    when = read_when(fold("gotta drop my appt, job interview thursday at 1"), tenant, MONDAY)
    assert (when.day, when.time) == (None, None)


def test_right_when_you_open_is_the_day_s_first_slot(tenant):
    from agents.understanding.rules import understand

    heard = understand(tenant, "book me right when you open saturday", MONDAY)
    assert (heard.intent, heard.day, heard.time) == ("book", date(2026, 11, 28), time(9))
    asked = understand(tenant, "what time do you open wednesday? want to be there right when you open", MONDAY)
    assert (asked.intent, asked.time) == ("hours", None)


@pytest.mark.parametrize("text, day, clock, period", [
    ("book haircut 2026-11-27 14:30?", date(2026, 11, 27), time(14, 30), None),  # not 20:26
    ("need to move my appointment to 2026-11-25, same time.", date(2026, 11, 25), None, None),
    ("book cut 2026-12-08T12:00-05:00", date(2026, 12, 8), time(12), None),
    ("book cut 2026-12-08T17:00Z", date(2026, 12, 8), time(12), None),  # in the shop's zone
    ("after my 5 o'clock thurs? need a lineup", date(2026, 11, 26), None, "evening"),  # the customer's own hour
    ("haircut tomorrow after my 1pm meeting?", date(2026, 11, 24), None, "afternoon"),
    ("move my 3:00 to saturday?", date(2026, 11, 28), time(15), None),  # the visit's own time, kept
    ("switch my wed 2pm to fri morning", date(2026, 11, 27), None, "morning"),  # a new part of the day given
    ("is there parking for like 3 cars?", None, None, None),
    ("hmm no, at 3 i have class. can be 5?", None, time(17), None),
])
def test_iso_dates_and_hours_that_are_someone_else_s(tenant, text, day, clock, period):
    when = read_when(fold(text), tenant, MONDAY)
    assert (when.day, when.time, when.period) == (day, clock, period)


@pytest.mark.parametrize("text, day", [
    ("can i book a cut for the day before my wedding which is saturday the 5th?", date(2026, 12, 4)),
    ("getting married on the 5th!! need a cut the day before, anything around 3?", date(2026, 12, 4)),
    ("need trims friday morning, no school the day after thanksgiving", date(2026, 11, 27)),
    ("can i come friday? the day before is bad", date(2026, 11, 27)),
])
def test_a_day_counted_from_another(tenant, text, day):
    assert read_when(fold(text), tenant, MONDAY).day == day

"""Customers answered in their own language, and never with something the file doesn't say.

It is Monday Nov 23 2026, 10:00 in New York, at Harbor Street Barbers (tests/tenants/):
Lucía writes Spanish; Marco, the operator, reads English. Every text goes through the signed
SMS webhook; what is sent later goes through the outbox.
"""
from __future__ import annotations

from recurring.scheduler import tick
from routing.tenants import TenantDirectory
from tests.booking.fixtures import clock, text  # noqa: F401 - fixtures
from tests.booking.fixtures import AMY, BEN, MARCO, bookings_of, local, texts_to

LUCIA = "+16175557010"
CAN_DO = "I can book, move or cancel an appointment, or tell you our hours and prices."


def test_a_spanish_booking_round_trip_stays_in_spanish_and_the_operator_reads_english(text, clock, runtime):
    assert text(LUCIA, "hola, quiero un corte mañana a las 3") == (
        "Haircut, mar 24 nov a las 3:00 PM, $35. Responde SÍ para reservar.")
    assert text(LUCIA, "sí") == (
        "Reservado: Haircut, mar 24 nov a las 3:00 PM, $35. Responde X para cancelar o R para cambiarla, "
        "con al menos 12 horas de anticipación. ¿A nombre de quién la dejamos?")
    assert bookings_of(runtime, LUCIA)[0].state == "confirmed"
    assert texts_to(runtime, MARCO, "notice") == ["New booking: Haircut Tue Nov 24 at 3:00 PM for +16175557010."]
    assert text(LUCIA, "Lucía") == "¡Gracias, Lucía!"

    tick(runtime, local(23, 15, 0))  # 24 hours before: the reminder, in her language
    assert texts_to(runtime, LUCIA, "reminder") == [
        "Recordatorio de Harbor Street Barbers: tu Haircut es el mar 24 nov a las 3:00 PM. "
        "Responde C para confirmar, R para cambiarla o X para cancelar."]
    clock.advance(hours=28)  # Tuesday 14:00: yesterday's conversation is over, her language is kept
    assert text(LUCIA, "C") == "Gracias, te esperamos el mar 24 nov a las 3:00 PM."


def test_a_short_reply_keeps_the_language_and_english_switches_it_back(text):
    assert text(LUCIA, "¿a qué hora abren?") == (
        "Horario de Harbor Street Barbers: lun-vie 9:00 AM-7:00 PM, sáb 9:00 AM-5:00 PM, dom cerrado.")
    assert text(LUCIA, "ok").startswith("No hay nada pendiente de confirmar.")  # "ok" says no language
    assert text(LUCIA, "how much is a beard trim?") == "Beard trim: $20, 15 minutes. Text a day and time to book."


def test_a_tenant_overrides_a_template_in_its_file(text, runtime):
    harbor = runtime.tenants.get("harbor-barbers")
    own = harbor.model_copy(update={"templates": {
        "es": {"offer": "¡Órale! {service} el {when} por {price}. {reply} SÍ y es tuyo."},
        "en": {"greeting": "Welcome to {business}! Book, move or cancel by text, or ask our hours."}}})
    runtime.tenants = TenantDirectory(tuple(own if t is harbor else t for t in runtime.tenants))

    assert text(LUCIA, "quiero un corte mañana a las 3") == (
        "¡Órale! Haircut el mar 24 nov a las 3:00 PM por $35. Responde SÍ y es tuyo.")
    assert text(AMY, "hi") == "Welcome to Harbor Street Barbers! Book, move or cancel by text, or ask our hours."
    assert text(BEN, "haircut tomorrow at 3") == "Haircut, Tue Nov 24 at 3:00 PM, $35. Reply YES to book."


def test_a_greeting_gets_a_greeting_and_what_onward_can_do(text, runtime):
    assert text(AMY, "hi") == f"Hi! This is Harbor Street Barbers. {CAN_DO} What can I do for you?"
    assert text(BEN, "Good morning!") == f"Hi! This is Harbor Street Barbers. {CAN_DO} What can I do for you?"
    assert text(LUCIA, "buenos días") == (
        "¡Hola! Te escribe Harbor Street Barbers. Puedo reservar, cambiar o cancelar una cita, o darte "
        "nuestro horario y precios. ¿En qué te ayudo?")
    assert texts_to(runtime, MARCO) == []


def test_a_service_the_file_doesnt_list_is_offered_to_the_team_not_promised(text, runtime):
    assert text(AMY, "do you do kids cuts?") == "That's not something we list; want me to ask the team?"
    assert bookings_of(runtime, AMY) == [] and texts_to(runtime, MARCO) == []
    assert text(AMY, "yes please") == "I'll ask the team and get back to you."
    assert texts_to(runtime, MARCO, "notice") == [
        '+16175557001 asked something I can\'t answer: "do you do kids cuts?"']

    assert text(BEN, "do you do waxing?") == "That's not something we list; want me to ask the team?"
    assert text(BEN, "no thanks") == "OK. Text us any time."
    assert text(LUCIA, "¿cortan a niños?") == "Eso no aparece en nuestra lista; ¿quieres que le pregunte al equipo?"
    assert texts_to(runtime, MARCO, "notice") == [
        '+16175557001 asked something I can\'t answer: "do you do kids cuts?"']  # no one else said yes


def test_a_listed_service_asked_about_is_offered(text):
    assert text(AMY, "do you do fades?") == "Sure, a Haircut ($35). What day and time would you like?"


def test_two_texts_in_a_row_not_understood_go_to_the_operator(text, runtime):
    assert text(AMY, "asdkjh qwe zzz") == (
        "What would you like to do: book, move or cancel an appointment, or ask our hours or prices?")
    assert texts_to(runtime, MARCO) == []
    assert text(AMY, "asdf qwerty ;;; zzz") == "I've passed your message to the team; someone will get back to you."
    assert texts_to(runtime, MARCO, "notice") == [
        '+16175557001 wrote what I couldn\'t understand: "asdkjh qwe zzz" / "asdf qwerty ;;; zzz". '
        "Please get back to them."]
    text(AMY, "zzkx qwv")  # a third: asked again, the operator is not texted twice
    assert len(texts_to(runtime, MARCO, "notice")) == 1


def test_an_understood_text_between_two_misses_starts_the_count_again(text, runtime):
    text(AMY, "asdkjh qwe zzz")
    assert text(AMY, "what are your hours?").startswith("Harbor Street Barbers hours:")
    assert text(AMY, "asdkjh 3$$").startswith("What would you like to do")
    assert texts_to(runtime, MARCO) == []

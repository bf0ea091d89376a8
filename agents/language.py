"""Which language a customer writes in: Spanish or English, read from the text, and kept.

    detect("quiero un corte mañana")    -> Reading("es", 4)   words only Spanish uses, and ñ
    detect("can I get a cut at 3?")     -> Reading("en", 4)
    detect("ok"), detect("3pm")         -> Reading(None, 0)  nothing either way
    choose("yes", stored="es")          -> "es"              one English word doesn't switch back

A scorer of each language's common words (function words, greetings, days, booking words)
and of Spanish letters and marks: fast (no model, nothing to load) and enough for texts to a
business. bench/language.py measures it on the labelled sets.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

LANGUAGES = ("en", "es")
DEFAULT = "en"
SWITCH = 2  # how far ahead the other language must be to change a language already kept

SPANISH = frozenset("""
el la los las un una unos unas del al lo le les se nos mi mis tu tus su sus que qué por para con
es está están estoy son soy ser sea y pero porque cuando cuándo cuánto cuanto cuánta cuesta cuál cuáles
dónde donde cómo como hoy mañana manana tarde noche mediodía hora horas cita citas turno corte cortes
barba tinte afeitado pelo cabello niños niño niña niñas hijo hija hijos quiero quisiera puedo pueden
puede podemos podría tienen tiene tengo hay hola gracias buenas buenos días dias favor porfa porfis
sí sábado domingo lunes martes miércoles miercoles jueves viernes semana ya también muy bien bueno
vale claro dale órale orale sale cancelar cancela cancelen cambiar cambio mover reprogramar necesito
voy vamos ir hacer mejor otra otro algo nada hasta desde sin sobre este esta ese esa eso aquí ahí
ahora ahorita pasado precio precios abren cierran abierto cerrado perdón perdon disculpa disculpe
lugar espacio cortan hacen ofrecen atienden llámenme llamar hablar alguien persona encargado
agendar reservar reserva anula borra mis entonces después antes luego temprano qué tal oye
gustaría tendrán habrá quedó listo equivocado número muchas mucho horario aceptan tarjeta
""".split())
ENGLISH = frozenset("""
the an and is are was were be been to of for with my your you you're i i'm im we it it's this that
what what's when where how can could would will do does did don't have has had get got need want like
book booking appointment tomorrow today tonight morning afternoon evening at on in please pls plz
thanks thank thx hi hello hey yes yeah yep yup sorry cancel move reschedule time day week next just
any anything there here open close closed much cost price prices hours hour is are am if but so not
who which should me us our from about after before later soon still again sure great good fine
perfect okay thats that's later only also some available availability opening openings spot
monday tuesday wednesday thursday friday saturday sunday instead works
""".split())
STRONG = frozenset({"hola", "gracias", "buenas", "buenos", "quiero", "hello", "thanks", "please",
                    "tomorrow", "mañana", "cita", "appointment"})
SPANISH_MARKS = re.compile(r"[áéíóúñ¿¡ü]")
WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")


@dataclass(frozen=True)
class Reading:
    lang: str | None  # None: the text leans neither way
    margin: int  # how far ahead the leading language is


def detect(text: str) -> Reading:
    lowered = text.casefold()
    words = WORD.findall(lowered)
    spanish = sum(w in SPANISH for w in words) + len(SPANISH_MARKS.findall(lowered))
    english = sum(w in ENGLISH for w in words)
    if len(words) <= 1 and (not words or words[0] not in STRONG):
        return Reading(None, 0)  # "ok", "sí", "no", "Sam", "3pm": a one-word answer says nothing
    if spanish == english:
        return Reading(None, 0)
    return Reading("es" if spanish > english else "en", abs(spanish - english))


def choose(text: str, stored: str | None) -> str:
    """The language to answer in: the text's when it is clear, else the one kept."""
    reading = detect(text)
    if stored not in LANGUAGES:
        return reading.lang or DEFAULT
    if reading.lang is not None and reading.lang != stored and reading.margin >= SWITCH:
        return reading.lang
    return stored

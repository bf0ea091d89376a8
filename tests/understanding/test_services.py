"""Services named as people write them, matched to the tenant's service ids."""
from __future__ import annotations

import pytest

from agents.understanding.services import match_service
from agents.understanding.text import fold
from config.schema import Service
from tests.understanding.labelled import harbor


@pytest.fixture(scope="module")
def services():
    return harbor().services


@pytest.mark.parametrize("text, service", [
    ("haircut", "haircut"), ("hair cut", "haircut"), ("a trim", "haircut"), ("FADES", "haircut"),
    ("hiarcut", "haircut"), ("haircutt", "haircut"), ("beerd trim", "beard"), ("beard", "beard"),
    ("trim my beard", "beard"), ("a shave", "beard"), ("colour", "color"), ("colr", None),
    ("coler", "color"), ("hair colored", "color"), ("cut and beard", "cut-beard"),
    ("haircut and a shave", "cut-beard"), ("fade n beard trim", "cut-beard"), ("corte y barba", "cut-beard"),
    ("a cut and beard trim", "cut-beard"), ("trim and beard", "cut-beard"),
    ("color and a haircut", None),  # two services and none made of both: the agent asks
    ("I heard you have parking", None), ("what date works", None), ("I made a booking", None),
])
def test_service_of(services, text, service):
    assert match_service(services, fold(text)) == service


def test_another_tenants_services():
    nails = (Service(id="gel", name="Gel manicure", duration="45m", price=40, aliases=("gel nails",)),
             Service(id="pedi", name="Pedicure", duration="60m", price=50, aliases=("pedi", "feet")))
    assert match_service(nails, fold("gel manicure friday")) == "gel"
    assert match_service(nails, fold("a pedicure pls")) == "pedi"
    assert match_service(nails, fold("pedicrue")) == "pedi"
    assert match_service((), fold("haircut")) is None


@pytest.mark.parametrize("text, service", [
    # The trade's words for a service none of Harbor's aliases list
    ("a skin fade", "haircut"), ("buzz cut for my son", "haircut"), ("line up and a shape up", "haircut"),
    ("gimme a mohawk", "haircut"), ("goatee trim", "beard"), ("straight razor shave", "beard"),
    ("balayage", "color"), ("root touch up", "color"), ("cover my grays", "color"),
    ("got my hair dyed last time", "color"), ("lowlights", "color"), ("un rapado", "haircut"),
    ("arreglo de barba", "beard"), ("bigote", "beard"), ("quiero tinte", "color"),
    ("un recorte de barba nomas", "beard"), ("queremos cortarnos los dos", "haircut"),
    ("para recortarme la barba", "beard"), ("a beard trim, then my 3:00 design review", "beard"),
    ("taper and a goatee trim", "cut-beard"),  # a haircut and a beard: the service made of both
    ("mustache trim and lowlights", None),
    # Typos of the tenant's own words; the lexicon's words as written only
    ("tirm", "haircut"), ("I'm deaf", None), ("tengo ganas", None), ("give me a second", None),
])
def test_the_trades_words_for_harbors_services(services, text, service):
    assert match_service(services, fold(text)) == service


NAILS = (Service(id="gel", name="Gel manicure", duration="45m", price=40, aliases=("gel nails",)),
         Service(id="pedi", name="Pedicure", duration="60m", price=50))


@pytest.mark.parametrize("services, text, service", [
    (NAILS, "a mani friday", "gel"), (NAILS, "acrylics", "gel"), (NAILS, "toes done", "pedi"),
    (NAILS, "a fade", None),  # a concept the tenant has no service for names nothing
    ((Service(id="corte", name="Corte de pelo", duration="30m", price=20),), "low taper", "corte"),
    # Two services of one concept: its trade words name neither; the tenant's own words still do
    ((Service(id="mens", name="Men's cut", duration="30m", price=30),
      Service(id="kids", name="Kids cut", duration="20m", price=20)), "a fade", None),
    ((Service(id="mens", name="Men's cut", duration="30m", price=30, aliases=("fade",)),
      Service(id="kids", name="Kids cut", duration="20m", price=20)), "a fade", "mens"),
    ((Service(id="beard", name="Beard trim", duration="15m", price=20),
      Service(id="shave", name="Shave", duration="30m", price=30)), "hot towel shave", "shave"),
])
def test_the_trades_words_for_another_tenants_services(services, text, service):
    assert match_service(services, fold(text)) == service

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

"""The tenant's `understanding:` setting: rules-first unless the file says model-first."""
from __future__ import annotations

import pytest
import yaml
from pydantic import ValidationError

from config.loader import load_file
from config.schema import Tenant
from tests.understanding.labelled import TENANTS


def harbor_data() -> dict:
    data = yaml.safe_load((TENANTS / "harbor-barbers.yaml").read_text())
    data["api_token"] = "a-token-for-tests"
    return data


def test_the_reference_file_is_accepted_as_it_is_and_reads_rules_first():
    assert load_file(TENANTS / "harbor-barbers.yaml", {"HARBOR_API_TOKEN": "x" * 12}).understanding == "rules-first"


def test_model_first_is_accepted():
    assert Tenant(**{**harbor_data(), "understanding": "model-first"}).understanding == "model-first"


def test_anything_else_is_refused():
    with pytest.raises(ValidationError, match="understanding"):
        Tenant(**{**harbor_data(), "understanding": "model-only"})

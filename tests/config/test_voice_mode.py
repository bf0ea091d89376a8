"""The tenant's voice mode: gather unless the file says relay; anything else refused by name."""
from __future__ import annotations

import pytest

from config.loader import ConfigError, load_file
from tests.config import ENV, EXAMPLE, changed, write_tenant


def test_a_file_without_voice_keeps_gather():
    assert load_file(EXAMPLE, ENV).voice.mode == "gather"


@pytest.mark.parametrize("mode", ["relay", "gather"])
def test_a_file_may_choose_relay_or_gather(tmp_path, mode):
    tenant = load_file(write_tenant(tmp_path, changed("voice", {"mode": mode})), ENV)
    assert tenant.voice.mode == mode


@pytest.mark.parametrize("value, field", [
    ({"mode": "stream"}, "voice.mode"),
    ({"mode": "relay", "greeting": "hi"}, "voice.greeting"),
    ("relay", "voice"),
])
def test_config_check_refuses_a_voice_it_does_not_know(tmp_path, value, field):
    with pytest.raises(ConfigError) as refused:
        load_file(write_tenant(tmp_path, changed("voice", value)), ENV)
    assert field in [p.field for p in refused.value.problems], [str(p) for p in refused.value.problems]

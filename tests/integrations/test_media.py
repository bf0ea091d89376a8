"""Fetching MMS media: Twilio's hosts only, credentials only to the API, images only, 5 MB."""
from __future__ import annotations

import time
from datetime import datetime

import pytest

from config.settings import load_settings
from integrations import media as media_module
from integrations.errors import PermanentError, TemporaryError
from integrations.media import (ForbiddenMedia, MediaTooLarge, UnsupportedMedia, capture_time, fetch_image,
                                is_allowed, store_image)
from tests.conftest import TWILIO_ACCOUNT_SID as SID, twilio_env
from tests.fakes.twilio_media import jpeg, png

MEDIA_PATH = f"/2010-04-01/Accounts/{SID}/Messages/MM{'2' * 32}/Media/ME{'3' * 32}"


@pytest.fixture
def settings(media, tmp_path):
    return load_settings({**twilio_env(media.url), "ONWARD_VAR_DIR": str(tmp_path)})


def test_an_image_is_fetched_with_the_accounts_credentials_and_hashed(media, settings):
    body = jpeg()
    image = fetch_image(media.add(body, path=MEDIA_PATH), settings)
    assert image.content == body and image.content_type == "image/jpeg" and len(image.sha256) == 64
    assert media.requests == [(MEDIA_PATH, media.auth)]


def test_a_redirect_to_the_cdn_is_followed_without_credentials(media, settings):
    media.add(png(), "image/png", path="/cdn/AC1/abc")
    media.redirects[MEDIA_PATH] = "/cdn/AC1/abc"
    image = fetch_image(media.url + MEDIA_PATH, settings)
    assert image.content_type == "image/png"
    assert [path for path, _ in media.requests] == [MEDIA_PATH, "/cdn/AC1/abc"]


def test_a_redirect_to_another_host_is_not_followed(media, settings):
    media.redirects[MEDIA_PATH] = "https://evil.example/steal"
    with pytest.raises(ForbiddenMedia):
        fetch_image(media.url + MEDIA_PATH, settings)
    assert len(media.requests) == 1


@pytest.mark.parametrize("host", ["http://127.0.0.2:{port}", "https://evil.example", "http://api.twilio.com",
                                  "https://api.twilio.com.evil.example"])
def test_other_hosts_are_never_fetched(media, settings, host):
    url = host.format(port=media.server.server_port) + MEDIA_PATH
    with pytest.raises(ForbiddenMedia):
        fetch_image(url, settings)
    assert media.requests == []


@pytest.mark.parametrize("url, allowed", [
    ("https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1", True),
    ("https://mms.twiliocdn.com/AC1/abc", True),
    ("https://s3-external-1.amazonaws.com/media.twiliocdn.com/AC1/abc", True),
    ("https://s3-external-1.amazonaws.com/attacker-bucket/abc", False),
    ("https://twiliocdn.com.evil.example/x", False),
    ("http://mms.twiliocdn.com/AC1/abc", False),
    # read as requests will send them: the host before a backslash, dot segments resolved
    ("https://evil.example\\@api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1", False),
    ("https://evil.example\\@mms.twiliocdn.com/AC1/abc", False),
    ("https://s3-external-1.amazonaws.com/media.twiliocdn.com/../attacker-bucket/abc", False),
    ("https://s3-external-1.amazonaws.com/media.twiliocdn.com/%2e%2e/attacker-bucket/abc", False),
    ("https://api.twilio.com/2010-04-01/./Accounts/AC1/Messages/MM1/Media/ME1", False),
    ("https://AC1:token@api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1", False),
    ("https://api.twilio.com /x", False), ("https://api.twilio.com\t/x", False),
    ("https://API.Twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1", True),
])
def test_twilios_hosts(url, allowed):
    assert is_allowed(url, load_settings({})) is allowed


@pytest.mark.parametrize("kind, body", [
    ("text/plain", b"hello"), ("application/pdf", b"%PDF-1.4\n%\xe2\xe3\n1 0 obj\n"),
    ("image/jpeg", b"%PDF-1.4 pretending to be a photo"),  # the header lies; the bytes don't
])
def test_anything_but_an_image_is_refused(media, settings, kind, body):
    with pytest.raises(UnsupportedMedia):
        fetch_image(media.add(body, kind), settings)


def test_more_than_5_mb_is_refused(media, settings):
    body = jpeg() + b"\0" * (5 * 1024 * 1024)
    with pytest.raises(MediaTooLarge):
        fetch_image(media.add(body), settings)


def test_a_missing_file_is_a_permanent_error(media, settings):
    with pytest.raises(PermanentError):
        fetch_image(media.url + MEDIA_PATH, settings)


def test_the_capture_time_comes_from_exif():
    assert capture_time(jpeg(datetime(2026, 3, 1, 8, 15))) == datetime(2026, 3, 1, 8, 15)
    assert capture_time(jpeg()) is None


def test_an_image_is_stored_once_under_tenant_and_hash(media, settings, tmp_path):
    image = fetch_image(media.add(jpeg()), settings)
    path = store_image(image, tmp_path / "proof", "harbor-barbers")
    assert path == tmp_path / "proof" / "harbor-barbers" / f"{image.sha256}.jpg"
    assert path.read_bytes() == image.content
    assert store_image(image, tmp_path / "proof", "harbor-barbers") == path


def test_a_host_that_drips_its_answer_is_cut_off_at_the_deadline(media, settings, monkeypatch):
    """A byte every 0.05 s never trips a per-read timeout: the deadline covers the whole fetch,
    the status line and headers as well as the body."""
    monkeypatch.setattr(media_module, "DEADLINE", 1.0)
    url = media.add(jpeg())
    media.drip(url, every=0.05)  # about 35 s for all of it
    started = time.monotonic()
    with pytest.raises(TemporaryError, match="took more than 1 s"):
        fetch_image(url, settings)
    assert time.monotonic() - started < 1.5

"""MMS media: fetched from Twilio only, checked, hashed and stored.

    fetch_image(url, settings)        -> Image (bytes, type, sha256, capture time)
    fetch_ahead(url, settings)        -> the Image, or the error fetching it raised (kept to raise later)
    store_image(image, root, tenant)  -> the path it is kept at: ROOT/TENANT/SHA.EXT

A forged webhook can name any MediaUrl, and Twilio's media URLs need the account's
credentials, so a URL is fetched only from Twilio's hosts or TWILIO_API_BASE_URL, judged as
requests will send it (the prepared URL, read by urllib3) and refused outright when it has
user info, a backslash, whitespace or a dot segment. Redirects are followed here, hop by hop,
each hop checked the same way; the credentials go only to the API host itself (the CDN's
redirect URLs are signed). Errors, drawn as integrations/errors.py draws them:

    PermanentError
     ├── ForbiddenMedia     a host Onward does not fetch from (nothing is requested)
     ├── UnsupportedMedia   not an image (by header or by its bytes)
     └── MediaTooLarge      over 5 MB
    TemporaryError          timeouts (8 s for all of a fetch: integrations/deadline.py), connection errors, 5xx
"""
from __future__ import annotations

import hashlib
import io
import os
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import requests
from requests.auth import HTTPBasicAuth
from urllib3.util import Url, parse_url
from PIL import Image as PillowImage, UnidentifiedImageError

from config.settings import Settings
from integrations.deadline import Deadline
from integrations.errors import IntegrationError, PermanentError, TemporaryError

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 60_000_000  # more than any phone's photo; a PNG "bomb" declares billions in a few bytes
TIMEOUT = (3.05, 5)  # connect, read: seconds, per request
DEADLINE = 8.0  # seconds for the whole fetch: it happens while Twilio waits (15 s) for the reply
MAX_REDIRECTS = 3
CHUNK = 64 * 1024
TWILIO_API_HOST = "api.twilio.com"
TWILIO_CDN_SUFFIX = ".twiliocdn.com"
UNSAFE_CHARS = re.compile(r"[\x00-\x20\x7f]")  # whitespace and control characters, which parsers read apart
S3_HOSTS = frozenset({"s3-external-1.amazonaws.com", "s3.amazonaws.com"})  # path /media.twiliocdn.com/...
IMAGE_TYPES = {"image/jpeg": "jpg", "image/png": "png", "image/gif": "gif", "image/webp": "webp",
               "image/heic": "heic"}
PILLOW_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp"}
HEIC_BRANDS = (b"heic", b"heix", b"heim", b"heis", b"mif1", b"msf1")
EXIF_IFD, DATETIME_ORIGINAL, DATETIME = 0x8769, 36867, 306


class ForbiddenMedia(PermanentError):
    pass


class UnsupportedMedia(PermanentError):
    pass


class MediaTooLarge(PermanentError):
    pass


@dataclass(frozen=True)
class Image:
    content: bytes
    content_type: str
    sha256: str
    taken_at: datetime | None  # EXIF DateTimeOriginal, camera-local (naive)

    @property
    def ext(self) -> str:
        return IMAGE_TYPES[self.content_type]


def fetch_image(url: str, settings: Settings) -> Image:
    with Deadline(DEADLINE) as deadline:  # over all of it: a host dripping bytes is cut off
        response = _get_following_allowed_redirects(url, settings, deadline)
        with response:
            header_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
            if header_type not in IMAGE_TYPES:
                raise UnsupportedMedia(f"media of type {header_type or 'unknown'} is not an image")
            content = _read_at_most(response, MAX_BYTES, deadline)
    return checked_image(content, header_type)


Fetched = dict[str, "Image | IntegrationError"]  # media URL -> its photo, or why it couldn't be had


def fetch_ahead(url: str, settings: Settings) -> Image | IntegrationError:
    """fetch_image before the transaction that uses the photo, so no lock or connection
    waits on a slow download; the error, if any, is returned for that code to raise."""
    try:
        return fetch_image(url, settings)
    except IntegrationError as exc:
        return exc


def checked_image(content: bytes, header_type: str) -> Image:
    sniffed = sniff_type(content)
    if sniffed is None or header_type not in IMAGE_TYPES:
        raise UnsupportedMedia("media is not a JPEG, PNG, GIF, WebP or HEIC image")
    return Image(content=content, content_type=sniffed, sha256=hashlib.sha256(content).hexdigest(),
                 taken_at=capture_time(content))


def is_allowed(url: str, settings: Settings) -> bool:
    try:
        allowed_request(url, settings)
    except ForbiddenMedia:
        return False
    return True


def allowed_request(url: str, settings: Settings) -> requests.PreparedRequest:
    """The request exactly as requests will send it, once the URL it will really reach is
    one of Twilio's: urllib3 connects to host a for `http://a\\@b/`, where urlsplit reads b."""
    if "\\" in url or UNSAFE_CHARS.search(url):
        raise ForbiddenMedia(f"media URL {url[:120]!r} has a backslash, a space or a control character")
    try:
        prepared = requests.Request("GET", url).prepare()
        raw_path = urlsplit(url).path
    except (requests.RequestException, ValueError) as exc:
        raise ForbiddenMedia(f"media URL {url[:120]!r} is not a URL: {exc}") from exc
    why = _refusal(parse_url(prepared.url), prepared.path_url, raw_path, settings)
    if why is not None:
        raise ForbiddenMedia(f"media URL {url[:120]!r} refused: {why}")
    return prepared


def _refusal(target: Url, path: str, raw_path: str, settings: Settings) -> str | None:
    if target.auth is not None:
        return "a media URL may not carry a user name or password"
    if _has_dot_segments(path) or _has_dot_segments(raw_path):
        return "a media URL may not have . or .. path segments"
    if _is_api_host(target, settings):
        return None
    if target.scheme != "https" or target.port not in (None, 443):
        return "media is fetched over https only"
    host = target.host or ""
    if host.endswith(TWILIO_CDN_SUFFIX) or (host in S3_HOSTS and path.startswith("/media.twiliocdn.com/")):
        return None
    return f"{host or 'no host'} is not one of Twilio's media hosts"


def _has_dot_segments(path: str) -> bool:
    return any(segment in (".", "..") for segment in unquote(path.split("?")[0]).split("/"))


def _is_api_host(target: Url, settings: Settings) -> bool:
    """Twilio's API host (or TWILIO_API_BASE_URL): the only one the credentials go to."""
    if (target.scheme, target.host, target.port) == ("https", TWILIO_API_HOST, None):
        return True
    return settings.twilio_api_base_url is not None and _origin(target) == _base_origin(settings)


def _origin(target: Url) -> tuple[str | None, str | None, int | None]:
    return target.scheme, target.host, target.port or {"http": 80, "https": 443}.get(target.scheme or "")


def _base_origin(settings: Settings) -> tuple[str | None, str | None, int | None]:
    return _origin(parse_url(requests.Request("GET", settings.twilio_api_base_url).prepare().url))


def _get_following_allowed_redirects(url: str, settings: Settings, deadline: Deadline) -> requests.Response:
    """Each hop is checked before it is requested; requests never follows a redirect itself,
    so the credentials are never carried to where a redirect points."""
    for _ in range(MAX_REDIRECTS + 1):
        prepared = allowed_request(url, settings)
        _check_deadline(deadline)
        response = _send(prepared, settings, deadline)
        if not response.is_redirect:
            _raise_for_status(response)
            return response
        response.close()
        url = urljoin(prepared.url, response.headers.get("Location", ""))
    raise PermanentError("media redirected too many times")


def _send(prepared: requests.PreparedRequest, settings: Settings, deadline: Deadline) -> requests.Response:
    if _is_api_host(parse_url(prepared.url), settings) and settings.has_twilio_credentials:
        HTTPBasicAuth(settings.twilio_account_sid, settings.twilio_auth_token)(prepared)
    # The environment's proxies and CA bundle still apply; ~/.netrc credentials never do.
    session = deadline.session
    environment = session.merge_environment_settings(prepared.url, {}, True, None, None)
    try:
        response = session.send(prepared, timeout=TIMEOUT, allow_redirects=False, **environment)
    except requests.RequestException as exc:
        _check_deadline(deadline)
        raise TemporaryError(f"media fetch failed: {exc}") from exc
    if deadline.passed:  # cut off in its headers, which then simply end early
        response.close()
        _check_deadline(deadline)
    return response


def _raise_for_status(response: requests.Response) -> None:
    if response.status_code < 400:
        return
    response.close()
    error = TemporaryError if response.status_code >= 500 or response.status_code == 429 else PermanentError
    raise error(f"media fetch answered {response.status_code}", code=str(response.status_code))


def _check_deadline(deadline: Deadline) -> None:
    if deadline.passed:
        raise TemporaryError(f"media fetch took more than {DEADLINE:g} s")


def _read_at_most(response: requests.Response, limit: int, deadline: Deadline) -> bytes:
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limit:
        raise MediaTooLarge(f"media is {declared} bytes, more than {limit}")
    body = bytearray()
    try:
        for chunk in response.iter_content(CHUNK):
            body += chunk
            _check_deadline(deadline)
            if len(body) > limit:
                raise MediaTooLarge(f"media is more than {limit} bytes")
    except requests.RequestException as exc:
        _check_deadline(deadline)
        raise TemporaryError(f"media download failed: {exc}") from exc
    _check_deadline(deadline)  # cut off at the deadline, a body without a length ends early
    return bytes(body)


def sniff_type(content: bytes) -> str | None:
    """The image type the bytes themselves show, when their pixels decode; None otherwise."""
    if content[4:8] == b"ftyp" and content[8:12] in HEIC_BRANDS:
        return "image/heic"  # Pillow can't decode HEIC: its brand is all that is checked
    try:
        with PillowImage.open(io.BytesIO(content)) as image:
            kind = PILLOW_TYPES.get(image.format or "")
            if kind:
                _decode(image)
            return kind
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, PillowImage.DecompressionBombError):
        return None


def _decode(image: PillowImage.Image) -> None:
    """Decode the pixels (a header alone is not a photo), refusing more than MAX_PIXELS first;
    a JPEG is decoded at an eighth of its size, which still reads all of its data."""
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise ValueError(f"{width} x {height} pixels is more than a photo has")
    image.draft(image.mode, (max(1, width // 8), max(1, height // 8)))  # JPEG only; the others ignore it
    image.load()


def capture_time(content: bytes) -> datetime | None:
    """When the camera says the photo was taken (EXIF DateTimeOriginal), if it says."""
    try:
        with PillowImage.open(io.BytesIO(content)) as image:
            exif = image.getexif()
            stamp = exif.get_ifd(EXIF_IFD).get(DATETIME_ORIGINAL) or exif.get(DATETIME)
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, PillowImage.DecompressionBombError):
        return None
    try:
        return datetime.strptime(str(stamp).strip("\x00 "), "%Y:%m:%d %H:%M:%S") if stamp else None
    except ValueError:
        return None


def store_image(image: Image, root: Path, tenant: str) -> Path:
    """Keep an image at ROOT/TENANT/SHA.EXT; the same bytes are written once."""
    path = root / tenant / f"{image.sha256}.{image.ext}"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.part")
        partial.write_bytes(image.content)
        partial.replace(path)
    return path


def proof_dir(settings: Settings) -> Path:
    return settings.var_dir / "proof"

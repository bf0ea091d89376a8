"""Proof photos for the console: a small JPEG thumbnail made once (Pillow) and kept beside
the photo, both served with caching headers. A proof's file never changes (its name is
its hash), so a browser may keep either for good."""
from __future__ import annotations

import os
from pathlib import Path

from flask import Response, abort, send_file
from PIL import Image, ImageOps, UnidentifiedImageError

from console import console
from console.access import signed, tenant_row_or_404
from runtime import current_runtime
from store.models import Proof, Run

THUMB_BOX = (320, 320)
CACHE_FOREVER = "private, max-age=31536000, immutable"  # private: a signed-in person's page


def thumbnail_path(photo: Path) -> Path:
    return photo.with_name(f"{photo.stem}.thumb.jpg")


def make_thumbnail(photo: Path) -> Path | None:
    """The thumbnail beside `photo`, made on first use; None when Pillow can't read the photo."""
    thumb = thumbnail_path(photo)
    if thumb.exists():
        return thumb
    try:
        with Image.open(photo) as image:
            small = ImageOps.exif_transpose(image).convert("RGB")
            small.thumbnail(THUMB_BOX)
    except (UnidentifiedImageError, OSError):
        return None
    partial = thumb.with_suffix(f".{os.getpid()}.part")
    small.save(partial, "JPEG", quality=80)
    partial.replace(thumb)  # atomic: two requests at once both end with one whole file
    return thumb


@console.get("/proofs/<int:proof_id>/<any(thumb, photo):size>")
def proof_image(proof_id: int, size: str) -> Response:
    who = signed()
    with current_runtime().db.session() as session:
        proof = tenant_row_or_404(session, Proof, proof_id)
        assignee = session.get(Run, proof.run_id).assignee
    if not who.decides and assignee != who.person.id:
        abort(404)
    photo = Path(proof.media_path) if proof.media_path else None
    if photo is None or not photo.is_file():
        abort(404)
    path = make_thumbnail(photo) if size == "thumb" else photo
    if path is None:
        abort(404)
    response = send_file(path, etag=f"{proof.sha256}-{size}", conditional=True, max_age=31536000)
    response.headers["Cache-Control"] = CACHE_FOREVER
    return response

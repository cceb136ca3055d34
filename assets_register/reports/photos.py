"""Residents' photos: only real JPEG, PNG or WebP images of sensible size, re-encoded so
that no location or camera metadata survives."""

import io

from PIL import Image, ImageOps, UnidentifiedImageError

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
MAX_PIXELS = 40_000_000  # well above any phone camera; stops decompression bombs
MAX_SIDE = 2400  # stored size: plenty for a web page


def clean_photo(upload):
    """A metadata-free copy of an uploaded image, or ValidationError saying what is wrong."""
    if upload.size > settings.REPORT_PHOTO_MAX_BYTES:
        limit = settings.REPORT_PHOTO_MAX_BYTES // (1024 * 1024)
        raise ValidationError(f"The photo is too large: at most {limit} MB, please.")
    try:
        with Image.open(upload) as probe:
            kind = probe.format
            if kind not in ALLOWED_FORMATS:
                raise ValidationError("Send a JPEG, PNG or WebP photo.")
            if probe.width * probe.height > MAX_PIXELS:
                raise ValidationError("The photo has too many pixels.")
            probe.verify()
        upload.seek(0)
        with Image.open(upload) as image:
            image = ImageOps.exif_transpose(image)  # keep it upright once EXIF is gone
            image.thumbnail((MAX_SIDE, MAX_SIDE))
            if kind == "JPEG" and image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            out = io.BytesIO()
            # Saving without exif=/pnginfo= writes pixels only: no GPS, no camera details.
            image.save(out, format=kind)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as error:
        raise ValidationError("That file is not a photo we can read.") from error
    content_type = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}[kind]
    return SimpleUploadedFile(f"photo.{ALLOWED_FORMATS[kind]}", out.getvalue(), content_type)

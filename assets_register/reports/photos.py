"""Residents' photos: only real JPEG, PNG or WebP images of sensible size, re-encoded so
that no metadata survives: no location or camera details (EXIF), no comments (JPEG COM,
PNG text chunks), no XMP, and no colour profile (its colours are converted to sRGB, which
is what browsers assume without one)."""

import io

from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
MAX_PIXELS = 40_000_000  # well above any phone camera; stops decompression bombs
MAX_SIDE = 2400  # stored size: plenty for a web page
# What an encoder may still take from a decoded image's info: which palette entry is
# transparent is part of the picture, not metadata about it.
KEPT_INFO = {"transparency"}
SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


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
            image = in_srgb(image)
            # Encoders copy some of this (a JPEG's comment, a PNG's profile) into the file.
            image.info = {key: image.info[key] for key in KEPT_INFO & set(image.info)}
            out = io.BytesIO()
            image.save(out, format=kind)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as error:
        raise ValidationError("That file is not a photo we can read.") from error
    content_type = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}[kind]
    return SimpleUploadedFile(f"photo.{ALLOWED_FORMATS[kind]}", out.getvalue(), content_type)


def in_srgb(image):
    """The image with its embedded colour profile applied, so that it can be dropped."""
    profile = image.info.get("icc_profile")
    if not profile or image.mode not in ("RGB", "RGBA"):
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
        return ImageCms.profileToProfile(image, source, SRGB, outputMode=image.mode)
    except (ImageCms.PyCMSError, OSError, ValueError):
        return image  # a broken profile: the pixels as they are

"""Residents' reports: confirmed by email, routed to their council's moderators, and
nothing public until accepted."""

import io
import re

import pytest
from PIL import Image, ImageCms, PngImagePlugin

from django.contrib.auth.models import Permission, User
from django.core import mail
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from assets_register.models import Asset, CouncilStaff, EventKind, Report, ReportStatus, Status

from ..factories import AreaFactory, AssetFactory, CouncilFactory, PostcodeLocationFactory, square

pytestmark = pytest.mark.django_db
REPORTS = "/admin/snippets/assets_register/report/"


@pytest.fixture
def place():
    durham = CouncilFactory(
        name="County Durham", gss_code="E06000047", boundary=square(-1.8, 54.7, -1.5, 54.9)
    )
    ward = AreaFactory(name="Sacriston", parent=durham, boundary=square(-1.66, 54.80, -1.60, 54.83))
    return AssetFactory(name="The Red Lion", council=durham, ward=ward)


def moderator(username, council=None, every_council=False):
    user = User.objects.create_user(username, f"{username}@council.example", "pw")
    codenames = ["access_admin", "view_report", "change_report"]
    if every_council:
        codenames.append("edit_every_council")
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    if council:
        CouncilStaff.objects.create(user=user, council=council)
    return user


def jpeg_with_gps():
    """A small JPEG carrying GPS coordinates and a camera model in its EXIF."""
    image = Image.new("RGB", (64, 48), "red")
    exif = Image.Exif()
    exif[0x0110] = "Secret Camera 9000"  # Model
    exif[0x8825] = {1: "N", 2: (54.0, 49.0, 0.0), 3: "W", 4: (1.0, 37.0, 0.0)}  # GPS
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return SimpleUploadedFile("phone.jpg", out.getvalue(), "image/jpeg")


def report_closure(client, asset, **fields):
    data = {
        "kind": "closed",
        "happened_on": "2026-11-20",
        "details": "Boarded up on Friday.",
        "source_url": "",
        "email": "Resident@Example.org",
        "website": "",
        **fields,
    }
    return client.post(f"/assets/{asset.pk}/report/", data)


def confirm_link(message):
    return re.search(r"http://testserver(/report/confirm/\S+/)", message.body).group(1)


def test_a_report_reaches_moderators_only_after_the_reporter_confirms(client, place):
    mine = moderator("durham", council=place.council)
    moderator("swale", council=CouncilFactory(name="Swale"))
    site_wide = moderator("national", every_council=True)
    page = report_closure(client, place, photo=jpeg_with_gps())
    assert "Check your email" in page.content.decode()
    report = Report.objects.get()
    assert (report.status, report.council, report.email) == (
        ReportStatus.UNCONFIRMED,
        place.council,
        "resident@example.org",
    )
    client.force_login(mine)
    assert "The Red Lion" not in client.get(REPORTS).content.decode()  # not in the queue yet
    client.logout()

    [receipt] = mail.outbox
    assert receipt.to == ["resident@example.org"]
    assert receipt.subject == "Confirm your report about The Red Lion"
    assert "Thank you" in client.get(confirm_link(receipt)).content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.PENDING
    alert = mail.outbox[-1]
    assert sorted(alert.to) == sorted([mine.email, site_wide.email])
    assert alert.subject == "A resident's report is waiting: The Red Lion (County Durham)"


def test_moderators_see_and_decide_only_their_councils_reports(client, place):
    report = Report.objects.create(
        kind="closed",
        asset=place,
        council=place.council,
        details="Shut.",
        email="r@example.org",
        status=ReportStatus.PENDING,
    )
    outsider = moderator("swale", council=CouncilFactory(name="Swale"))
    client.force_login(outsider)
    assert "The Red Lion" not in client.get(REPORTS).content.decode()
    assert client.get(f"{REPORTS}edit/{report.pk}/").status_code in (302, 403)
    response = client.post(f"{REPORTS}edit/{report.pk}/", {"status": "accepted"})
    assert response.status_code in (302, 403)
    report.refresh_from_db()
    assert report.status == ReportStatus.PENDING and not place.events.exists()


def test_a_moderator_cannot_merge_a_report_into_another_councils_place(client, place):
    swale = CouncilFactory(name="Swale")
    abbey = AssetFactory(name="Abbey Hotel", council=swale)
    report = Report.objects.create(
        kind="missing",
        place_name="Sacriston Welfare Hall",
        council=place.council,
        latitude="54.816",
        longitude="-1.626",
        details="Open every day.",
        email="r@example.org",
        status=ReportStatus.PENDING,
    )
    client.force_login(moderator("durham", council=place.council))
    page = client.post(
        f"{REPORTS}edit/{report.pk}/", {"status": "merged", "duplicate_of": abbey.pk}
    ).content.decode()
    assert "in another council" in page
    report.refresh_from_db()
    assert (report.status, report.duplicate_of) == (ReportStatus.PENDING, None)
    client.post(f"{REPORTS}edit/{report.pk}/", {"status": "merged", "duplicate_of": place.pk})
    report.refresh_from_db()
    assert (report.status, report.duplicate_of) == (ReportStatus.MERGED, place)


def test_accepting_writes_the_event_credited_to_the_report(client, place):
    report_closure(client, place, photo=jpeg_with_gps())
    report = Report.objects.get()
    client.get(confirm_link(mail.outbox[0]))
    photo_url = f"/reports/{report.pk}/photo/"
    assert client.get(photo_url).status_code == 404  # not public before moderation
    assert "Boarded up" not in client.get(place.get_absolute_url()).content.decode()

    mine = moderator("durham", council=place.council)
    client.force_login(mine)
    assert client.get(photo_url).status_code == 200  # the moderator sees it
    response = client.post(
        f"{REPORTS}edit/{report.pk}/", {"status": "accepted", "rejection_reason": ""}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    event = place.events.get()
    assert (event.kind, str(event.date), event.source, event.recorded_by) == (
        EventKind.CLOSED,
        "2026-11-20",
        "resident-report",
        mine,
    )
    assert Asset.objects.get(pk=place.pk).status == Status.CLOSED
    decision = mail.outbox[-1]  # the reporter hears of the decision
    assert decision.to == ["resident@example.org"]
    assert decision.subject.endswith("Your report about The Red Lion is on the register")
    assert "added it to the place's timeline" in decision.body
    assert f"http://testserver{place.get_absolute_url()}" in decision.body
    sent = len(mail.outbox)
    client.post(f"{REPORTS}edit/{report.pk}/", {"status": "accepted"})  # again: nothing new
    assert place.events.count() == 1 and len(mail.outbox) == sent
    client.logout()
    page = client.get(place.get_absolute_url()).content.decode()
    assert "Boarded up on Friday." in page and photo_url in page
    assert "resident@example.org" not in page
    assert client.get(photo_url)["Content-Type"] == "image/jpeg"


def test_a_rejection_needs_a_reason_and_the_reporter_is_told_it(client, place):
    report = Report.objects.create(
        kind="at_risk",
        asset=place,
        council=place.council,
        details="Rumour.",
        email="r@example.org",
        status=ReportStatus.PENDING,
    )
    client.force_login(moderator("durham", council=place.council))
    page = client.post(
        f"{REPORTS}edit/{report.pk}/", {"status": "rejected", "rejection_reason": ""}
    )
    assert "Say why: the reporter is told." in page.content.decode()
    client.post(
        f"{REPORTS}edit/{report.pk}/",
        {"status": "rejected", "rejection_reason": "The pub is trading."},
    )
    message = mail.outbox[-1]
    assert message.to == ["r@example.org"]
    assert "The pub is trading." in message.body
    assert not place.events.exists()


def test_the_moderator_sees_what_was_reported_and_opens_its_link_safely(client, place, recwarn):
    def report(link):
        return Report.objects.create(
            kind="at_risk",
            asset=place,
            council=place.council,
            details="In the paper.",
            email="r@example.org",
            source_url=link,
            status=ReportStatus.PENDING,
        )

    client.force_login(moderator("durham", council=place.council))
    linked = report("https://news.example/red-lion?a=1&b=2")
    page = client.get(f"{REPORTS}edit/{linked.pk}/").content.decode()
    assert (
        '<a href="https://news.example/red-lion?a=1&amp;b=2" target="_blank" '
        'rel="noopener noreferrer nofollow">'
    ) in page
    assert not [w for w in recwarn if "assume_scheme" in str(w.message)]
    shown = re.findall(r'class="w-field__textoutput"[^>]*>\s*(.*?)\s*</div>', page, re.S)
    assert "The Red Lion" in shown and "In the paper." in shown
    assert "Not given" in shown and "None" not in shown  # no date, no coordinates
    other_scheme = report("javascript:alert(1)")  # not through the form, which refuses it
    page = client.get(f"{REPORTS}edit/{other_scheme.pk}/").content.decode()
    assert "javascript:alert(1)" in page and 'href="javascript' not in page


def test_a_missing_place_is_added_when_accepted_and_merging_needs_the_duplicate(client, place):
    PostcodeLocationFactory(postcode="DH7 6LQ")
    client.post(
        "/report/",
        {
            "kind": "missing",
            "place_name": "Sacriston Welfare Hall",
            "category": "community_centre",
            "postcode": "dh7 6lq",
            "details": "Open every day.",
            "email": "r@example.org",
        },
    )
    hall = Report.objects.get()
    assert (hall.postcode, hall.council) == ("DH7 6LQ", place.council)
    Report.objects.filter(pk=hall.pk).update(status=ReportStatus.PENDING)
    client.force_login(moderator("durham", council=place.council))
    page = client.post(f"{REPORTS}edit/{hall.pk}/", {"status": "merged"}).content.decode()
    assert "Choose the place it duplicates." in page
    client.post(f"{REPORTS}edit/{hall.pk}/", {"status": "accepted"})
    hall.refresh_from_db()
    created = hall.created_asset
    assert "added the place to the register" in mail.outbox[-1].body
    assert created.get_absolute_url() in mail.outbox[-1].body
    assert (created.name, created.category, created.source) == (
        "Sacriston Welfare Hall",
        "community_centre",
        "resident-report",
    )


def test_photos_must_be_real_images_of_sensible_size(client, place, settings):
    page = report_closure(
        client, place, photo=SimpleUploadedFile("x.jpg", b"<script>alert(1)</script>", "image/jpeg")
    ).content.decode()
    assert "That file is not a photo we can read." in page
    gif = io.BytesIO()
    Image.new("RGB", (4, 4)).save(gif, format="GIF")
    page = report_closure(
        client, place, photo=SimpleUploadedFile("x.gif", gif.getvalue(), "image/gif")
    ).content.decode()
    assert "Send a JPEG, PNG or WebP photo." in page
    settings.REPORT_PHOTO_MAX_BYTES = 100
    page = report_closure(client, place, photo=jpeg_with_gps()).content.decode()
    assert "The photo is too large" in page
    assert not Report.objects.exists()


def test_location_and_camera_details_are_stripped_from_photos(client, place):
    report_closure(client, place, photo=jpeg_with_gps())
    stored = Report.objects.get().photo
    with stored.open("rb") as file, Image.open(file) as image:
        assert image.size == (64, 48)
        assert not image.getexif()
        assert b"Secret Camera" not in stored.open("rb").read()


def photo_with_hidden_text(kind):
    """A photo carrying MARKER in a comment, text chunks or XMP, and an ICC profile."""
    image, out = Image.new("RGB", (64, 48), "red"), io.BytesIO()
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    options = {"icc_profile": icc, "xmp": b"<x:xmpmeta>MARKER</x:xmpmeta>"}
    if kind == "JPEG":
        options["comment"] = b"MARKER <script>alert(1)</script>"
    if kind == "PNG":
        options["pnginfo"] = PngImagePlugin.PngInfo()
        options["pnginfo"].add_text("Comment", "MARKER")
        options["pnginfo"].add_itxt("Description", "MARKER", zip=True)
    image.save(out, format=kind, **options)
    assert b"MARKER" in out.getvalue() or kind == "PNG"  # PNG's iTXt is compressed
    return SimpleUploadedFile(f"photo.{kind.lower()}", out.getvalue(), f"image/{kind.lower()}")


@pytest.mark.parametrize("kind", ["JPEG", "PNG", "WEBP"])
def test_comments_text_and_profiles_are_stripped_from_photos(client, place, kind):
    assert report_closure(client, place, photo=photo_with_hidden_text(kind)).status_code == 200
    stored = Report.objects.get().photo.open("rb").read()
    assert b"MARKER" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert image.getpixel((10, 10))[:3] == pytest.approx((255, 0, 0), abs=8)
        assert not set(image.info) & {"comment", "icc_profile", "xmp", "Comment", "exif"}


def test_spam_robots_and_floods_are_turned_away(client, place, settings):
    page = report_closure(client, place, website="http://spam.example")
    assert "Check your email" in page.content.decode()
    assert not Report.objects.exists() and not mail.outbox
    settings.REPORT_RATE_PER_EMAIL = "2/h"
    cache.clear()
    assert report_closure(client, place).status_code == 200
    assert report_closure(client, place).status_code == 200
    assert report_closure(client, place).status_code == 429
    assert Report.objects.count() == 2


def test_news_needs_its_place_and_a_missing_place_needs_a_location(client, place):
    page = client.post(
        "/report/",
        {"kind": "missing", "place_name": "Somewhere", "details": "New.", "email": "r@example.org"},
    )
    assert "Give a postcode, or drop a pin on the map." in page.content.decode()
    page = client.post(
        "/report/",
        {
            "kind": "missing",
            "place_name": "Somewhere",
            "postcode": "not a postcode",
            "details": "New.",
            "email": "r@example.org",
        },
    )
    assert "That is not a UK postcode" in page.content.decode()
    client.post(
        "/report/",
        {
            "kind": "missing",
            "place_name": "Pinned Hall",
            "latitude": "54.81",
            "longitude": "-1.62",
            "details": "New.",
            "email": "r@example.org",
        },
    )
    assert Report.objects.get().council == place.council


def test_a_merged_report_tells_the_reporter_which_place_it_joined(client, place):
    report = Report.objects.create(
        kind="missing",
        place_name="Red Lion Inn",
        postcode="DH7 6LQ",
        council=place.council,
        email="r@example.org",
        status=ReportStatus.PENDING,
    )
    client.force_login(moderator("durham", council=place.council))
    client.post(f"{REPORTS}edit/{report.pk}/", {"status": "merged", "duplicate_of": place.pk})
    message = mail.outbox[-1]
    assert message.to == ["r@example.org"]
    assert "the place is already on the register" in message.body
    assert f"http://testserver{place.get_absolute_url()}" in message.body


def test_the_report_form_reads_well(client, place):
    page = client.get(f"/assets/{place.pk}/report/").content.decode()
    assert "a link that shows it" not in page and "A link to where you saw it" in page
    assert "(optional) (optional)" not in page and "Optional. A JPEG" not in page
    assert "(optional)</span>" in page  # each optional answer is still marked once

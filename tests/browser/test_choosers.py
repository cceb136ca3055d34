"""An officer choosing a council and a place in the admin: each chooser searches as they
type and offers only their own council's councils and places."""

import pytest
from playwright.sync_api import expect

from django.apps import apps
from django.contrib.auth.models import Group, User

from assets_register.models import CouncilStaff
from assets_register.staff.roles import OFFICER, apply_roles

from ..factories import AreaFactory, AssetFactory, CouncilFactory
from .test_officer_journey import PASSWORD, log_in

pytestmark = pytest.mark.browser


def test_an_officer_searches_and_chooses_a_council_and_a_place(page, bare_site):
    durham = CouncilFactory(name="County Durham")
    swale = CouncilFactory(name="Swale")
    AreaFactory(name="Durham South", parent=durham)
    AssetFactory(name="The Robin Hood", council=durham)
    AssetFactory(name="The Queen's Head", council=durham)
    AssetFactory(name="The Robin Hood, Sheerness", council=swale)
    apply_roles(apps)  # the live server's tests truncate what the data migration made
    officer = User.objects.create_user("officer", "officer@durham.example", PASSWORD)
    officer.groups.add(Group.objects.get(name=OFFICER))
    CouncilStaff.objects.create(user=officer, council=durham)

    log_in(page, officer)
    page.goto("/admin/snippets/assets_register/nomination/add/")
    page.get_by_role("button", name="Choose a council").click()
    chooser = page.get_by_role("dialog")
    chooser.get_by_role("textbox", name="Search term").fill("durh")
    expect(chooser.get_by_role("link", name="County Durham (council)")).to_be_visible()
    expect(chooser.get_by_text("Durham South")).to_have_count(0)
    expect(chooser.get_by_text("Swale")).to_have_count(0)
    chooser.get_by_role("link", name="County Durham (council)").click()
    expect(chooser).to_be_hidden()
    expect(page.get_by_role("main").get_by_text("County Durham (council)")).to_be_visible()

    page.get_by_role("button", name="Choose asset").click()
    chooser = page.get_by_role("dialog")
    chooser.get_by_role("textbox", name="Search term").fill("robin hod")
    expect(chooser.get_by_role("link", name="The Robin Hood", exact=True)).to_be_visible()
    expect(chooser.get_by_text("Sheerness")).to_have_count(0)
    expect(chooser.get_by_text("Queen's Head")).to_have_count(0)
    chooser.get_by_role("link", name="The Robin Hood", exact=True).click()
    expect(chooser).to_be_hidden()

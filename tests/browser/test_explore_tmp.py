import pytest
from django.contrib.auth import get_user_model
@pytest.mark.browser
def test_explore(demo_site, page):
    get_user_model().objects.create_superuser("editor", "e@example.org", "pw-for-tests-1")
    page.goto("/admin/snippets/assets_register/asset/add/")
    print(page.url)
    page.screenshot(path="/tmp/shots/login.png")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("pw-for-tests-1")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("networkidle")
    print(page.url)
    page.screenshot(path="/tmp/shots/add.png", full_page=True)
    print(page.locator("footer").inner_html()[:3000])
    print(page.external_requests)

import pytest


@pytest.mark.django_db(transaction=True)
def test_admin_login_shows_dashboard(admin_page):
    assert admin_page.locator("h1").first.is_visible()
    assert "/admin/" in admin_page.url

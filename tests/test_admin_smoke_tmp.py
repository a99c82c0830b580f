import pytest
from django.urls import reverse
from wagtail_crm.models import Contact, Organization, Lead, Deal, Activity, Task

MODELS = [Lead, Contact, Organization, Deal, Activity, Task]

@pytest.mark.django_db
def test_pages(admin_client, demo_site):
    for model in MODELS:
        vs = model.snippet_viewset
        for url in [reverse(vs.get_url_name("list")), reverse(vs.get_url_name("list")) + "?q=495", reverse(vs.get_url_name("add")),
                    reverse(vs.get_url_name("edit"), args=[model.objects.first().pk]),
                    reverse(vs.get_url_name("list")) + "?export=csv"]:
            r = admin_client.get(url)
            print(url, r.status_code)
            assert r.status_code == 200, (url, r.content[:3000])
    r = admin_client.get("/admin/")
    assert r.status_code == 200
    assert b"My CRM" in r.content

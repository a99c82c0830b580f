"""The example site's pages, created once and found again on every later run."""

from django.conf import settings
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, Page, Site

from .models import ContactPage, ContentPage, HomePage

CONTACT_FIELDS = [
    ("Name", "singleline", True, "name"),
    ("Email", "email", True, "email"),
    ("Phone", "singleline", False, "phone"),
    ("Company", "singleline", False, "company"),
    ("Message", "multiline", False, "message"),
    ("I agree to the processing of my personal data", "checkbox", True, "consent"),
]

SERVICES_LEAD_FORM = {
    "heading": "Request a quote",
    "fields": ["name", "email", "phone", "company", "message"],
    "consent_text": "I agree to the processing of my personal data.",
    "button_label": "Request a quote",
    "thank_you": "Thank you! We will send you a quote within one working day.",
    "tags": "quote",
}


def _tree_root():
    """Wagtail's root page; an emptied database (a flushed test DB) gets one."""
    root = Page.get_first_root_node()
    if root is None:
        Locale.objects.get_or_create(language_code=get_default_language_code())
        root = Page.add_root(instance=Page(title="Root", slug="root"))
    return root


def _home():
    home = HomePage.objects.first()
    if home:
        return home
    # Wagtail's installer leaves a plain "Welcome" page at /home/: replace it.
    welcome = Page.objects.filter(depth=2, content_type__model="page").first()
    if welcome:
        welcome.slug = "welcome-replaced"
        welcome.save()
    home = _tree_root().add_child(
        instance=HomePage(
            title="Example Co.",
            slug="home",
            intro="<p>Wholesale supplies for small businesses since 2009.</p>",
        )
    )
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={
            "hostname": "localhost",
            "root_page": home,
            "site_name": "Example Co.",
        },
    )
    if welcome:
        welcome.delete()
    return home


def _contact(home):
    page = ContactPage.objects.filter(slug="contact").first()
    if page:
        return page
    page = ContactPage(
        title="Contact us",
        slug="contact",
        show_in_menus=True,
        intro="<p>Tell us what you need and we will call you back today.</p>",
        thank_you_text="<p>Thank you! A manager will contact you shortly.</p>",
    )
    for order, (label, field_type, required, crm_field) in enumerate(CONTACT_FIELDS):
        page.form_fields.add(
            page.form_fields.model(
                sort_order=order,
                label=label,
                field_type=field_type,
                required=required,
                crm_field=crm_field,
            )
        )
    home.add_child(instance=page)
    return page


def _services(home):
    page = ContentPage.objects.filter(slug="services").first()
    if page:
        return page
    page = ContentPage(
        title="Services",
        slug="services",
        show_in_menus=True,
        intro="<p>Delivery, storage and installation across the region.</p>",
        body=[
            ("paragraph", "<p>Tell us what you need: we answer within a day.</p>"),
            ("lead_form", SERVICES_LEAD_FORM),
        ],
    )
    home.add_child(instance=page)
    return page


def get_default_language_code():
    return get_supported_content_language_variant(settings.LANGUAGE_CODE)


def build_pages():
    home = _home()
    return [home, _contact(home), _services(home)]

"""Build the demo records. Every step looks records up by a natural key first,
so running it again finds what is there and creates nothing new."""

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from ..models import Activity, Contact, Deal, Lead, Organization, Phone, Pipeline, Task
from ..phones import parse_phones
from . import data
from .access import ensure_sales_groups
from .builder_users import DEMO_PASSWORD, ensure_user  # noqa: F401
from .imports import build_demo_import
from .sales import build_sales_history


def _add_phones(raw, **owner):
    if Phone.objects.filter(**owner).exists():
        return
    for parsed in parse_phones(raw, region="RU", area_code="495").phones:
        Phone.objects.create(
            e164=parsed.e164, extension=parsed.extension, kind=parsed.kind, **owner
        )


def _organization(spec, owner):
    org, _ = Organization.objects.get_or_create(
        tax_id=spec["tax_id"],
        defaults={key: spec[key] for key in ("name", "website", "email", "address")}
        | {"owner": owner},
    )
    org.tags.add(*spec["tags"])
    org.save()
    _add_phones(spec["phone"], organization=org)
    for index, person in enumerate(spec["people"]):
        last, first, middle, role, title, phone = person
        contact, _ = Contact.objects.get_or_create(
            organization=org,
            last_name=last,
            first_name=first,
            defaults={
                "middle_name": middle,
                "role": role,
                "job_title": title,
                "email": f"contact{index + 1}@{spec['email'].split('@')[1]}",
                "owner": owner,
            },
        )
        _add_phones(phone, contact=contact)
    return org


def _private_client(spec, owner):
    last, first, middle, email, phone = spec
    contact, _ = Contact.objects.get_or_create(
        email=email,
        defaults={
            "last_name": last,
            "first_name": first,
            "middle_name": middle,
            "owner": owner,
        },
    )
    contact.tags.add("private client")
    contact.save()
    _add_phones(phone, contact=contact)
    return contact


def _duplicate_pair(owner, now):
    """The same client typed twice, for CRM → Possible duplicates."""
    for index, spec in enumerate(data.DUPLICATE_PAIR):
        last, first, middle, email, phone, subject = spec
        contact, _ = Contact.objects.get_or_create(
            last_name=last,
            first_name=first,
            defaults={"middle_name": middle, "email": email, "owner": owner},
        )
        _add_phones(phone, contact=contact)
        Activity.objects.get_or_create(
            contact=contact,
            subject=subject,
            defaults={
                "kind": Activity.Kind.CALL if index == 0 else Activity.Kind.MEETING,
                "occurred_at": now - timedelta(days=10 - 4 * index),
                "author": owner,
            },
        )


def _pipeline():
    pipeline, _ = Pipeline.objects.get_or_create(
        name="Продажи / Sales", defaults={"is_default": True}
    )
    for order, (name, kind, probability) in enumerate(data.PIPELINE):
        pipeline.stages.model.objects.get_or_create(
            pipeline=pipeline,
            name=name,
            defaults={"kind": kind, "probability": probability, "sort_order": order},
        )
    return pipeline


def _deals(pipeline, organizations, owners, now):
    stages = list(pipeline.stages.order_by("sort_order"))
    for index, org in enumerate(organizations):
        stage = stages[index % len(stages)]
        contact = org.contacts.order_by("pk").first()
        Deal.objects.get_or_create(
            title=f"Поставка / Supply — {org.name}",
            defaults={
                "organization": org,
                "contact": contact,
                "stage": stage,
                "amount": Decimal(150000 + 85000 * index),
                "currency": "RUB",
                "owner": org.owner,
                "expected_close": (now + timedelta(days=14 * (index + 1))).date(),
                "closed_at": now if stage.kind != "open" else None,
                "lost_reason": "Проект отложен" if stage.kind == "lost" else "",
            },
        )


def _leads(pages, owners, now):
    for index, person in enumerate(data.LEAD_PEOPLE):
        name, email, phone, company, message = person
        source, medium, campaign = data.CAMPAIGNS[index % len(data.CAMPAIGNS)]
        page = pages[index % len(pages)] if pages else None
        lead, created = Lead.objects.get_or_create(
            email=email.strip().lower(),
            message=message,
            defaults={
                "name": name,
                "phone": phone,
                "phone_e164": next(
                    (p.e164 for p in parse_phones(phone, region="RU").phones), ""
                ),
                "company": company,
                "source_page": page,
                "source_url": page.full_url if page and page.full_url else "",
                "utm_source": source,
                "utm_medium": medium,
                "utm_campaign": campaign,
                "consent": True,
                "consent_text": "I agree to the processing of my personal data.",
                "owner": owners[index % len(owners)],
                "data": {
                    "name": name,
                    "email": email,
                    "phone": phone,
                    "message": message,
                },
            },
        )
        if created:
            Lead.objects.filter(pk=lead.pk).update(
                created_at=now - timedelta(days=3 * index, hours=index)
            )


def _touch(page, utm, days_ago, now):
    source, medium, campaign = utm
    url = page.full_url or "http://localhost/"
    if source:
        url += f"?utm_source={source}&utm_medium={medium}&utm_campaign={campaign}"
    return {
        "utm_source": source,
        "utm_medium": medium,
        "utm_campaign": campaign,
        "utm_term": "",
        "utm_content": "",
        "referrer": "" if source else "https://www.google.com/",
        "landing_url": url,
        "at": (now - timedelta(days=days_ago)).isoformat(),
    }


def _captured_leads(pages, owners, now):
    """Leads as the capture service makes them, with first and last touch."""
    from ..capture.service import capture_lead

    form_pages = [page for page in pages if page.slug in ("contact", "services")]
    if not form_pages:
        return
    for index, visitor in enumerate(data.CAPTURED_VISITORS):
        name, email, phone, company, message, first, last = visitor
        if Lead.objects.filter(name=name, message=message).exists():
            continue
        page = form_pages[index % len(form_pages)]
        lead = capture_lead(
            {
                "name": name,
                "email": email,
                "phone": phone,
                "company": company,
                "message": message,
                "consent": True,
            },
            source_page=page,
            source_url=_touch(page, last, 0, now)["landing_url"],
            attribution={
                "first_touch": _touch(pages[0], first, 9 + index, now),
                "last_touch": _touch(page, last, index, now),
                "locale": "ru" if "@example.ru" in email or not email else "en",
                "user_agent": "Mozilla/5.0 (demo)",
            },
            owner_id=owners[index % len(owners)].pk,
            tags=["website"],
            consent_text="I agree to the processing of my personal data.",
            run_hooks=False,
        )
        Lead.objects.filter(pk=lead.pk).update(
            created_at=now - timedelta(days=index * 2, hours=3)
        )


def _activities(contacts, author, now):
    kinds = [
        Activity.Kind.CALL,
        Activity.Kind.MEETING,
        Activity.Kind.EMAIL,
        Activity.Kind.NOTE,
    ]
    subjects = {
        "call": "Звонок: обсудили условия поставки",
        "meeting": "Встреча в офисе клиента",
        "email": "Отправлено коммерческое предложение",
        "note": "Клиент просит скидку 5% при предоплате",
    }
    for index, contact in enumerate(contacts):
        kind = kinds[index % len(kinds)]
        Activity.objects.get_or_create(
            contact=contact,
            subject=subjects[kind],
            defaults={
                "kind": kind,
                "organization": contact.organization,
                "occurred_at": now - timedelta(days=index, hours=2),
                "duration": timedelta(minutes=5 + index) if kind == "call" else None,
                "direction": "outbound" if kind == "call" else "",
                "author": contact.owner or author,
            },
        )


def _tasks(contacts, assignees, now):
    for index, contact in enumerate(contacts[:8]):
        Task.objects.get_or_create(
            contact=contact,
            title=f"Перезвонить / Call back: {contact.full_name}",
            defaults={
                "organization": contact.organization,
                "due_at": now + timedelta(days=index - 3, hours=1),
                "assignee": contact.owner or assignees[index % len(assignees)],
            },
        )


@transaction.atomic
def build_demo_data(pages=(), stdout=None):
    """Create the demo users and CRM records; return the admin user."""
    now = timezone.now()
    admin = ensure_user("admin", superuser=True, first_name="Admin")
    manager, head = ensure_sales_groups()
    owners = [manager, head]
    managers = [manager, head, admin]
    organizations = [
        _organization(spec, owners[index % len(owners)])
        for index, spec in enumerate(data.ORGANIZATIONS)
    ]
    for index, spec in enumerate(data.PRIVATE_CLIENTS):
        _private_client(spec, owners[index % len(owners)])
    _duplicate_pair(manager, now)
    build_demo_import(head)
    pipeline = _pipeline()
    _deals(pipeline, organizations, owners, now)
    _leads(list(pages), owners, now)
    _captured_leads(list(pages), owners, now)
    contacts = list(Contact.objects.select_related("organization").order_by("pk"))
    _activities(contacts, admin, now)
    _tasks(contacts, owners, now)
    build_sales_history(pipeline, organizations, managers, list(pages), now)
    return admin

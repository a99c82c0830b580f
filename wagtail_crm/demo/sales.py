"""Sales history for the demo: deals moved through the stages over months,
leads from campaigns with their outcome, calls and tasks.

Every record has a natural key (a title, an e-mail, a call id), so running it
again finds what is there and creates nothing new; history is only written
for deals created in this run.
"""

import random
from datetime import timedelta
from decimal import Decimal

from ..models import Activity, Deal, Lead, Stage, Task
from ..pipeline import move_deal
from . import data

DEAL_COUNT = 24
LEAD_COUNT = 60
CALL_COUNT = 80
LOST_REASONS = ["Цена выше, чем у конкурента", "Проект отложен", "No budget this year"]
PRODUCTS = ["Котлы / Boilers", "Насосы / Pumps", "Фильтры / Filters", "Трубы / Pipes"]
CALL_SUBJECTS = [
    "Обсудили сроки поставки",
    "Уточнили объём заказа",
    "Договорились о встрече",
    "Discussed the payment terms",
]


def build_sales_history(pipeline, organizations, owners, pages, now):
    rng = random.Random(20261127)
    stages = list(pipeline.stages.order_by("sort_order"))
    deals = [
        _deal(i, rng, stages, organizations, owners, now) for i in range(DEAL_COUNT)
    ]
    _leads(rng, deals, owners, pages, now)
    _calls(rng, organizations, owners, now)
    _tasks(deals, owners, now)


def _target_stage(index, stages):
    open_stages = [s for s in stages if s.kind == Stage.Kind.OPEN]
    won = next(s for s in stages if s.kind == Stage.Kind.WON)
    lost = next(s for s in stages if s.kind == Stage.Kind.LOST)
    pattern = [*open_stages, won, won, lost]
    return pattern[index % len(pattern)]


def _deal(index, rng, stages, organizations, owners, now):
    org = organizations[index % len(organizations)]
    title = f"{PRODUCTS[index % len(PRODUCTS)]} — {org.name} #{index + 1}"
    created_at = now - timedelta(days=170 - 7 * index)
    deal, created = Deal.objects.get_or_create(
        title=title,
        defaults={
            "organization": org,
            "contact": org.contacts.order_by("pk").first(),
            "stage": stages[0],
            "stage_changed_at": created_at,
            "amount": Decimal(rng.randrange(60, 900) * 1000),
            "currency": "RUB",
            "owner": owners[index % len(owners)],
            "expected_close": (created_at + timedelta(days=45)).date(),
        },
    )
    if created:
        Deal.objects.filter(pk=deal.pk).update(created_at=created_at)
        _walk(deal, _target_stage(index, stages), stages, rng, created_at)
    return deal


def _walk(deal, target, stages, rng, when):
    """Move the deal stage by stage up to ``target``, a few days apart."""
    open_stages = [s for s in stages if s.kind == Stage.Kind.OPEN]
    path = open_stages[1:]
    if target.kind == Stage.Kind.OPEN:
        path = open_stages[1 : open_stages.index(target) + 1]
    else:
        path = path[: rng.randrange(len(path) + 1)] + [target]
    for stage in path:
        when += timedelta(days=rng.randrange(2, 9))
        reason = rng.choice(LOST_REASONS) if stage.kind == Stage.Kind.LOST else ""
        move_deal(deal, stage, deal.owner, reason=reason, when=when)


def _leads(rng, deals, owners, pages, now):
    won_deals = [d for d in deals if d.stage.kind == Stage.Kind.WON]
    statuses = [
        Lead.Status.NEW,
        Lead.Status.IN_PROGRESS,
        Lead.Status.QUALIFIED,
        Lead.Status.CONVERTED,
        Lead.Status.LOST,
    ]
    for index in range(LEAD_COUNT):
        source, medium, campaign = data.CAMPAIGNS[index % len(data.CAMPAIGNS)]
        status = statuses[rng.randrange(len(statuses))]
        deal = None
        if status == Lead.Status.CONVERTED:
            deal = deals[index % len(deals)] if index % 2 else None
            deal = deal or (won_deals[index % len(won_deals)] if won_deals else None)
        page = pages[index % len(pages)] if pages else None
        lead, created = Lead.objects.get_or_create(
            email=f"visitor{index + 1}@demo.example.com",
            defaults={
                "name": f"Посетитель / Visitor {index + 1}",
                "status": status,
                "source_page": page,
                "utm_source": source,
                "utm_medium": medium,
                "utm_campaign": campaign,
                "owner": owners[index % len(owners)],
                "deal": deal,
                "lost_reason": rng.choice(LOST_REASONS) if status == "lost" else "",
                "consent": True,
                "message": "Прошу связаться со мной / Please call me back.",
            },
        )
        if created:
            age = timedelta(days=rng.randrange(0, 180), hours=rng.randrange(24))
            Lead.objects.filter(pk=lead.pk).update(created_at=now - age)


def _calls(rng, organizations, owners, now):
    contacts = [c for org in organizations for c in org.contacts.all()]
    for index in range(CALL_COUNT):
        contact = contacts[index % len(contacts)]
        inbound = index % 3 == 0
        Activity.objects.get_or_create(
            external_id=f"demo-call-{index + 1:04d}",
            defaults={
                "kind": Activity.Kind.CALL,
                "direction": "inbound" if inbound else "outbound",
                "subject": CALL_SUBJECTS[index % len(CALL_SUBJECTS)],
                "occurred_at": now
                - timedelta(days=rng.randrange(0, 150), minutes=index),
                "duration": timedelta(seconds=rng.randrange(30, 900)),
                "contact": contact,
                "organization": contact.organization,
                "author": owners[index % len(owners)],
            },
        )


def _tasks(deals, owners, now):
    open_deals = [d for d in deals if d.stage.kind == Stage.Kind.OPEN]
    for index, deal in enumerate(open_deals):
        Task.objects.get_or_create(
            deal=deal,
            title=f"Следующий шаг / Next step: {deal.title}",
            defaults={
                "organization": deal.organization,
                "contact": deal.contact,
                "assignee": deal.owner or owners[0],
                "due_at": now + timedelta(days=index - 4, hours=2),
            },
        )

from datetime import datetime

from django.test import override_settings
from django.utils import timezone

from wagtail_crm.reports.base import period_starts


def aware(*args):
    return timezone.make_aware(datetime(*args))


@override_settings(TIME_ZONE="Europe/Moscow")
def test_months_start_at_local_midnight_across_a_year_end():
    starts = period_starts(aware(2025, 11, 20, 23), aware(2026, 2, 1, 0, 30), "month")

    assert [timezone.localtime(s).date().isoformat() for s in starts] == [
        "2025-11-01",
        "2025-12-01",
        "2026-01-01",
        "2026-02-01",
    ]
    assert all(timezone.localtime(s).hour == 0 for s in starts)


@override_settings(TIME_ZONE="Europe/Tirane")
def test_weeks_start_on_monday_and_days_survive_dst():
    weeks = period_starts(aware(2026, 3, 25), aware(2026, 4, 8), "week")
    days = period_starts(aware(2026, 3, 28), aware(2026, 3, 30), "day")

    assert [s.date().isoformat() for s in map(timezone.localtime, weeks)] == [
        "2026-03-23",
        "2026-03-30",
        "2026-04-06",
    ]
    assert [timezone.localtime(s).hour for s in days] == [0, 0, 0]
    assert days[2].timestamp() - days[1].timestamp() == 23 * 3600  # spring forward


def test_at_most_400_periods_are_kept():
    starts = period_starts(aware(2020, 1, 1), aware(2026, 1, 1), "day")

    assert len(starts) == 400
    assert timezone.localtime(starts[-1]).date().isoformat() == "2026-01-01"

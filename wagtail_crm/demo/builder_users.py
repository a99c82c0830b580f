"""Demo users: created once with the demo password, found again on re-runs."""

from django.contrib.auth import get_user_model

DEMO_PASSWORD = "changeme"


def ensure_user(username, *, superuser=False, first_name="", last_name=""):
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "email": f"{username}@example.com",
            "first_name": first_name,
            "last_name": last_name,
            "is_staff": True,
            "is_superuser": superuser,
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    return user

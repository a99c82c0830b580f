"""What every CRM admin screen of the sales area shares."""

from django.utils.formats import number_format
from django.utils.functional import cached_property
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSet


class ScreenViewSet(ViewSet):
    """A plain viewset whose menu item is shown only to users who may open it."""

    def user_can_use(self, user):
        raise NotImplementedError

    @cached_property
    def menu_item_class(self):
        viewset = self

        class ScreenMenuItem(MenuItem):
            def is_shown(self, request):
                return viewset.user_can_use(request.user)

        return ScreenMenuItem


def format_totals(totals):
    """``[("RUB", Decimal("1500000"))]`` -> ``"1 500 000 RUB"`` (locale grouping)."""
    return " · ".join(
        " ".join(filter(None, [number_format(amount, 0, force_grouping=True), cur]))
        for cur, amount in totals
    )

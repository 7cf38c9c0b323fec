from django import template
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext

from ..models import LicenceStatus

register = template.Library()

_CLASSES = {LicenceStatus.VALID: "ok", LicenceStatus.SUSPENDED: "warn", LicenceStatus.NOT_YET_VALID: "muted",
            LicenceStatus.SURRENDERED: "muted", LicenceStatus.EXPIRED: "danger", LicenceStatus.REVOKED: "danger"}


@register.simple_tag
def licence_badge(licence, on=None):
    """The licence's status as of ``on`` (default: now), as a coloured badge."""
    status = licence.status_on(on)
    return format_html('<span class="badge {}">{}</span>', _CLASSES.get(status, "muted"), LicenceStatus(status).label)


@register.filter
def days_left_label(days):
    if days is None:
        return ""
    if days < 0:
        return ngettext("已过期 %(n)d 天", "已过期 %(n)d 天", -days) % {"n": -days}
    if days == 0:
        return gettext("今日到期")
    return ngettext("剩余 %(n)d 天", "剩余 %(n)d 天", days) % {"n": days}

from django.conf import settings

from .navigation import items_for


def navigation(request):
    return {"nav_items": items_for(getattr(request, "user", None)), "SITE_URL": settings.SITE_URL}

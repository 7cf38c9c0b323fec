"""Public pages (no login): plans and published draws."""

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.cache import cache_control

from .public import public_draw, public_plans


@cache_control(public=True, max_age=300)
def public_index(request):
    county = request.GET.get("county", "").strip()[:6] or None
    return render(request, "inspections/public/index.html", {"plans": public_plans(county)})


@cache_control(public=True, max_age=300)
def public_draw_view(request, pk):
    draw = public_draw(pk)
    if draw is None:
        raise Http404
    return render(request, "inspections/public/draw.html", {"draw": draw})

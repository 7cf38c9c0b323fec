from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from seedreg.health.heartbeat import stale_jobs


@login_required
def home(request):
    """Each role's start page. Apps add their work lists here as they grow."""
    user = request.user
    context = {"stale_jobs": stale_jobs() if user.is_station_staff or user.is_superuser else []}
    return render(request, "portal/home.html", context)

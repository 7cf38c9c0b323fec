from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from .checks import run_all


@never_cache
def healthz(request):
    """200 {"status": "ok"|"degraded", ...}; 503 only when the database is down."""
    overall, http, results = run_all()
    return JsonResponse({"status": overall, "time": timezone.now().isoformat(), "checks": results}, status=http)

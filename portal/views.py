"""Pages that gather from every app: each role's start page, the dealer portal and the
public verification pages (no login)."""

import functools
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from licensing import services as licensing_services
from licensing.models import DealerMembership, SeedLicence
from licensing.public import cached_public_search, licence_by_token, licence_facts, search_cache_keys
from seedreg.documents.pdf import render_pdf
from seedreg.documents.qr import qr_svg_data_uri
from seedreg.errors import DomainError, NotFound
from seedreg.health.heartbeat import stale_jobs
from seedreg.notifications.models import Notification
from seedreg.regulated import service_context

from .ratelimit import client_ip, hit, hit_and_read


@login_required
def home(request):
    """Each role's start page. Apps add their work lists here as they grow."""
    user = request.user
    if user.is_dealer:
        return redirect("portal:dealer_home")
    context = {"stale_jobs": stale_jobs() if user.is_station_staff or user.is_superuser else []}
    return render(request, "portal/home.html", context)


@login_required
def dealer_home(request):
    """The dealer's own business: record, licences, filings, reminders."""
    membership = DealerMembership.objects.select_related("business").filter(user=request.user).first()
    if membership is None:
        raise NotFound()
    business = membership.business
    today = timezone.localdate()
    return render(request, "portal/dealer_home.html", {
        "business": business, "today": today,
        "licences": business.seed_licences.with_history(),
        "filings": business.filings.prefetch_related("items__variety").select_related("receipt"),
        "reminders": Notification.objects.filter(user=request.user).order_by("-created_at")[:20],
        "checks": business.document_checks.all()[:5],
    })


def _not_stored(view):
    """Public answers are "as of now": no browser or proxy may keep a copy. The same headers as
    never_cache, as constants: never_cache parses and rebuilds Cache-Control and formats an
    Expires date on every request, a twentieth of what a cached answer costs. ("Expires: 0"
    is the standard way to say "already expired".)"""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Cache-Control"] = "max-age=0, no-cache, no-store, must-revalidate, private"
        response["Expires"] = "0"
        return response

    return wrapper


def _public_page(template: str, context: dict) -> bytes:
    # Rendered without the request: public pages read no session, user, messages or CSRF token
    # (see public_base.html), so they set no cookie and a whole page can be cached (as bytes:
    # served as they are).
    return render_to_string(template, context).encode()


def _verify_page(query: str, kind=None, results=None, error=None) -> bytes:
    return _public_page("portal/verify_search.html", {
        "q": query, "kind": kind, "results": results, "error": error,
        "too_short": kind == "name" and len(query) < 2,
        "language_next": reverse("portal:verify_search") + (f"?{urlencode({'q': query})}" if query else ""),
    })


@_not_stored
def verify_search(request):
    """Public: search by business name, credit code or licence number. A repeated search is one
    round trip to the shared cache (rate-limit counter and directory version); the page comes
    from this process's memory or, the first time, the shared cache."""
    query = request.GET.get("q", "").strip()[:100]
    if not query:
        return HttpResponse(_verify_page(query))
    allowed, cached = hit_and_read("verify", client_ip(request), limit=settings.PUBLIC_SEARCH_RATE_PER_MINUTE,
                                   read=search_cache_keys())
    if not allowed:
        return HttpResponse(_verify_page(query, error=_("查询过于频繁，请一分钟后再试。")), status=429)
    _kind, page = cached_public_search(query, render=lambda kind, results: _verify_page(query, kind, results),
                                       cached=cached)
    return HttpResponse(page)


@_not_stored
def licence_public(request, token):
    """Public: a licence as of the moment this page is viewed (what a certificate's QR opens)."""
    licence = licence_by_token(token)
    context = {"facts": None, "language_next": reverse("portal:licence_public", args=[token])}
    if licence is None:
        return HttpResponse(_public_page("portal/licence_public.html", context), status=404)
    context.update(facts=licence_facts(licence), now=timezone.now())
    return HttpResponse(_public_page("portal/licence_public.html", context))


def licence_public_url(licence) -> str:
    return settings.SITE_URL + reverse("portal:licence_public", args=[licence.public_token])


@login_required
def licence_certificate(request, pk):
    """A printable certificate (HTML, or PDF with ?format=pdf) whose QR opens the public page."""
    licence = SeedLicence.objects.with_history().prefetch_related("varieties").get_visible(request.user, pk=pk)
    url = licence_public_url(licence)
    context = {"facts": licence_facts(licence), "licence": licence, "verification_url": url,
               "qr": qr_svg_data_uri(url, scale=4), "printed_at": timezone.now()}
    if request.GET.get("format") == "pdf":
        pdf = render_pdf("portal/licence_certificate_pdf.html", context)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="licence-{licence.pk}.pdf"'
        return response
    return render(request, "portal/licence_certificate.html", context)


@require_http_methods(["GET", "POST"])
def password_forgot(request):
    """A dealer asks for an SMS code, then sets a new password with it."""
    step = request.POST.get("step", "request")
    context = {"phone": request.POST.get("phone", ""), "step": "request"}
    if request.method == "POST":
        if not hit("pwreset", client_ip(request), limit=10, window=600):
            context["error"] = _("操作过于频繁，请稍后再试。")
            return render(request, "portal/password_forgot.html", context, status=429)
        try:
            with service_context():
                if step == "request":
                    licensing_services.request_password_code(request.POST.get("phone"))
                    context["step"] = "reset"
                    messages.info(request, _("如该手机号已开通账号，验证码已发送。"))
                else:
                    context["step"] = "reset"
                    licensing_services.reset_password_with_code(request.POST.get("phone"), request.POST.get("code"),
                                                                request.POST.get("new_password"))
                    messages.success(request, _("密码已重置，请用新密码登录。"))
                    return redirect("accounts:login")
        except DomainError as exc:
            context["error"] = str(exc)
            return render(request, "portal/password_forgot.html", context, status=exc.status)
    return render(request, "portal/password_forgot.html", context)

"""The web page for phone tokens: the chief sees and revokes every phone of the county, an
inspector their own (a lost phone is cut off from the office too)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from seedreg.errors import DomainError, NotFound

from . import services
from .models import DeviceToken


def _tokens_for(user):
    qs = DeviceToken.objects.select_related("user", "revoked_by")
    if user.has_perm("mobile_api.list_tokens"):
        return qs.visible_to(user)
    if user.is_dealer:
        raise NotFound()
    return qs.filter(user=user)


@login_required
def token_list(request):
    tokens = _tokens_for(request.user).order_by("revoked_at", "-created_at")[:500]
    return render(request, "mobile_api/token_list.html", {"tokens": tokens})


@login_required
@require_POST
def token_revoke(request, pk):
    token = _tokens_for(request.user).filter(pk=pk).first()
    if token is None:
        raise NotFound()
    try:
        services.revoke_device_token(actor=request.user, token=token, reason=request.POST.get("reason", "")[:200])
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已吊销，该手机的下一次请求将被拒绝。"))
    return redirect("mobile:token_list")

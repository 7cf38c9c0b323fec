from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.shortcuts import render

from seedreg.accounts.permissions import require
from seedreg.errors import NotFound

from .models import AuditEntry


@login_required
def timeline(request, app_label, model, pk):
    """Every audited change of one record and of the records grouped under it, oldest first.
    Station staff of the record's jurisdiction only."""
    try:
        ct = ContentType.objects.get_by_natural_key(app_label, model)
        obj = ct.get_object_for_this_type(pk=pk)
    except (ContentType.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc
    except Exception as exc:  # the model's DoesNotExist, ValidationError on a bad UUID
        raise NotFound() from exc
    require(request.user, "audit.view_timeline", obj if hasattr(obj, "region_code") else None)
    entries = AuditEntry.objects.visible_to(request.user).timeline(obj)[:1000]
    return render(request, "audit/timeline.html", {"object": obj, "entries": entries})

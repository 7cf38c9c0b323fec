from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from seedreg.errors import NotFound
from seedreg.regions.models import Station
from seedreg.regions.scoping import user_can_see_region

from .models import IssuedDocument


@never_cache
def verify(request, token):
    """Public: is this document genuine, and is it still in force — as of now."""
    document = IssuedDocument.objects.filter(verify_token=token).select_related("superseded_by").first()
    if document is None:
        raise NotFound()
    doc_type = document.type
    station = Station.objects.filter(region_id=document.county_code).first()
    facts = list(doc_type.public_status(document)) if doc_type.public_status else []
    superseded_by = getattr(document, "superseded_by", None)
    return render(request, "documents/verify.html", {"document": document, "doc_type": doc_type, "station": station,
                                                      "facts": facts, "superseded_by": superseded_by})


def can_download(user, document) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    if not user.is_dealer and user_can_see_region(user, document.region_code):
        return True
    if document.service_records.filter(recipient_user=user).exists():
        return True
    check = document.type.can_view
    return bool(check and check(user, document))


@login_required
def pdf(request, pk):
    document = IssuedDocument.objects.filter(pk=pk).first()
    if document is None or not document.pdf or not can_download(request.user, document):
        raise NotFound()
    return FileResponse(document.pdf.open("rb"), content_type="application/pdf", as_attachment=False,
                        filename=f"{document.serial}.pdf")

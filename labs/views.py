"""The laboratory's pages. Thin: a form shapes the input, a service applies the rules."""

from __future__ import annotations

from django.shortcuts import render
from django.urls import reverse

from licensing.views import _form_page, staff_required
from seedreg.accounts.permissions import require
from seedreg.errors import NotFound

from . import forms, services
from .models import QualityStandard, ToleranceRow


@staff_required
def standards(request):
    require(request.user, "labs.view_standards")
    show_all = request.GET.get("all") == "1"
    rows = QualityStandard.objects.all() if show_all else QualityStandard.objects.in_force()
    tolerances = ToleranceRow.objects.all() if show_all else ToleranceRow.objects.in_force()
    return render(request, "labs/standards.html", {
        "rows": rows, "tolerances": tolerances, "show_all": show_all,
        "can_edit": request.user.has_perm("labs.edit_standards")})


@staff_required
def standard_revise(request, pk):
    require(request.user, "labs.edit_standards")
    row = QualityStandard.objects.filter(pk=pk, effective_until__isnull=True).first()
    if row is None:
        raise NotFound()
    initial = {k: getattr(row, k) for k in ("standard", *services.standards.STANDARD_VALUES, "status", "source")}
    form = forms.ReviseStandardForm(request.POST or None, initial=initial)

    def apply(data):
        services.revise_quality_standard(row, actor=request.user, **data)
        return reverse("labs:standards")

    return _form_page(request, form, f"修订质量标准：{row}", apply, back=reverse("labs:standards"))


@staff_required
def tolerance_revise(request, pk):
    require(request.user, "labs.edit_standards")
    row = ToleranceRow.objects.filter(pk=pk, effective_until__isnull=True).first()
    if row is None:
        raise NotFound()
    form = forms.ReviseToleranceForm(request.POST or None, initial={"limit": row.limit, "status": row.status,
                                                                    "source": row.source})

    def apply(data):
        services.revise_tolerance(row, actor=request.user, **data)
        return reverse("labs:standards")

    return _form_page(request, form, f"修订容许差：{row}", apply, back=reverse("labs:standards"))

"""View helpers shared by every app's station pages: the staff-only decorator, the form page
(GET shows the form, a valid POST calls a service, a DomainError goes back onto the form) and
the .xlsx download response."""

from __future__ import annotations

from functools import wraps
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from seedreg.errors import DomainError, NotFound

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def staff_required(view):
    """Administration users only; dealers have the portal."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if request.user.is_dealer:
            raise NotFound()
        return view(request, *args, **kwargs)

    return wrapper


def posted(request):
    """A form's data: the POST data when the form was posted, even empty, else None (unbound).
    ``request.POST or None`` takes an empty post for no post: the form stays unbound and the
    page answers 422 without saying what is missing."""
    return request.POST if request.method == "POST" else None


def posted_files(request):
    """The uploaded files of a posted form (see ``posted``)."""
    return request.FILES if request.method == "POST" else None


def form_page(request, form, title, apply, *, back=None, submit=None, template="form_page.html", extra=None):
    """GET shows the form; a valid POST calls ``apply(cleaned_data)`` (a service) and redirects
    to what it returns; a DomainError goes back onto the form."""
    if request.method == "POST" and form.is_valid():
        try:
            target = apply(form.cleaned_data)
        except DomainError as exc:
            exc.add_to_form(form)
        else:
            messages.success(request, _("已保存。"))
            return target if isinstance(target, HttpResponse) else redirect(target)
    status = 422 if request.method == "POST" else 200
    return render(request, template, {"form": form, "title": title, "back": back, "submit": submit or _("保存"),
                                      **(extra or {})}, status=status)


def xlsx_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response

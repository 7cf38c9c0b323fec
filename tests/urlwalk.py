"""Every URL pattern of the site, found by walking the resolver (django.urls), for tests that
must cover every page: the permission matrix and the CSRF walk. The admin, i18n, static files
and django-ninja APIs (which have their own matrices) are left out."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

EXCLUDED_PREFIXES = ("admin/", "i18n/", "static/", "media/", "api/")


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name"
    route: str  # "licensing/businesses/<int:pk>/"
    callback: object
    kwargs: tuple[str, ...]  # the pattern's keyword arguments, in order


def _is_ninja(callback) -> bool:
    owner = getattr(callback, "__self__", None)
    module = getattr(owner or callback, "__module__", "") or ""
    return module.startswith("ninja")


def _kwargs(pattern) -> tuple[str, ...]:
    converters = getattr(pattern, "converters", None)
    if converters:
        return tuple(converters)
    regex = getattr(pattern, "regex", None)
    return tuple(regex.groupindex) if regex is not None else ()


def routes() -> list[Route]:
    found: list[Route] = []

    def walk(patterns, prefix, namespace, kwargs):
        for p in patterns:
            route = prefix + str(p.pattern)
            # A re_path's pattern reads "^api/…": the mobile API's catch-all (unknown paths answer
            # in the API's JSON error shape) belongs to the API, which has its own matrix.
            if route.removeprefix("^").startswith(EXCLUDED_PREFIXES):
                continue
            if isinstance(p, URLResolver):
                ns = ":".join(filter(None, [namespace, p.namespace])) if p.namespace else namespace
                walk(p.url_patterns, route, ns, kwargs + _kwargs(p.pattern))
            elif isinstance(p, URLPattern) and not _is_ninja(p.callback):
                name = ":".join(filter(None, [namespace, p.name]))
                found.append(Route(name, route, p.callback, kwargs + _kwargs(p.pattern)))

    walk(get_resolver().url_patterns, "", None, ())
    return found

"""Content-Security-Policy on every response (Django 5.2 has no built-in one).

The default policy (settings.CONTENT_SECURITY_POLICY) keeps scripts, styles, frames, forms and
connections on our own origin. Inline scripts and styles are still allowed because the templates
use a few (progress polling, print buttons); the gain is that an injected tag cannot load code
from elsewhere, send a form or a fetch to another origin, or frame our pages. Images may come
from https (map tiles)."""

from django.conf import settings


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.header = ("Content-Security-Policy-Report-Only" if settings.CSP_REPORT_ONLY
                       else "Content-Security-Policy")

    def __call__(self, request):
        response = self.get_response(request)
        if settings.CONTENT_SECURITY_POLICY:
            response.headers.setdefault(self.header, settings.CONTENT_SECURITY_POLICY)
        return response

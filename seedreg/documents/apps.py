from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "seedreg.documents"
    label = "documents"
    verbose_name = _("文书")

    def ready(self):
        from .types import register_document_type

        # A plain notice (通知书) the station can issue about any record; apps register their own types.
        register_document_type("notice", label=_("通知书"), abbreviation="种通", template="documents/generic_notice.html")

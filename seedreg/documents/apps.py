from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "seedreg.documents"
    label = "documents"
    verbose_name = "文书"

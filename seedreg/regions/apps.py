from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "seedreg.regions"
    label = "regions"
    verbose_name = "行政区划与种子管理站"

from django.db import models
from django.utils import timezone


class DemoLoad(models.Model):
    """Which demo builders have run on this database: ``load_demo`` runs each builder once, so
    a second ``make run`` keeps what people did with the demo county, while builders added by
    later releases still run on an existing database."""

    name = models.CharField(max_length=100, primary_key=True)
    loaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "演示数据批次"
        verbose_name_plural = "演示数据批次"

    def __str__(self):
        return self.name

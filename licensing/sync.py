"""What of the directory phones keep offline, and how its changes enter the change feed
(seedreg.sync): a business (with its licences and filings, which phones show with it), a
catalogue variety, and a stop-sale order.

Connected to the models' saves, like the public directory version: these rows only change
inside this app's services (RegulatedModel), so a save *is* a service's change, and no service
can forget to announce one. The entry is written in the service's transaction."""

from __future__ import annotations

from seedreg.sync.feed import record_change

BUSINESS, VARIETY, STOP_SALE = "business", "variety", "stop_sale_order"


def _business_of(instance):
    for path in ("business", "licence.business"):
        obj = instance
        try:
            for part in path.split("."):
                obj = getattr(obj, part)
        except AttributeError:
            continue
        return obj
    return None


def business_changed(sender, instance, raw=False, **kwargs):
    if raw:  # fixtures
        return
    business = instance if sender.__name__ == "Business" else _business_of(instance)
    if business is not None:
        record_change(BUSINESS, business.pk, region_code=business.region_code)


def variety_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        record_change(VARIETY, instance.pk, region_code="")  # the catalogue is nationwide


def stop_sale_changed(sender, instance, raw=False, **kwargs):
    """A stop-sale order drafted, issued or lifted: phones of its county reload it. Stock itself
    is not announced: it changes with every sale, and the download's figures are a snapshot
    the inspector checks by counting anyway (a feed entry per ledger entry would queue every
    dealer's writes on the feed's clock)."""
    if not raw:
        record_change(STOP_SALE, instance.pk, region_code=instance.region_code)


def connect():
    from django.db.models.signals import post_save

    from . import models

    for model in (models.Business, models.BusinessLicence, models.SeedLicence, models.LicenceTerm,
                  models.LicenceStatusChange, models.Filing):
        post_save.connect(business_changed, sender=model, dispatch_uid=f"sync-business-{model.__name__}")
    post_save.connect(variety_changed, sender=models.Variety, dispatch_uid="sync-variety")
    post_save.connect(stop_sale_changed, sender=models.StopSaleOrder, dispatch_uid="sync-stop-sale")

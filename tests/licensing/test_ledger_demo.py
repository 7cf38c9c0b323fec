"""The demo ledgers: one lot spreads through a wholesaler to a dozen shops and hundreds of
farmers, every balance equals its entries, and loading twice adds nothing."""

import pytest
from django.core.management import call_command
from django.db.models import Sum

from licensing import selectors
from licensing.models import LedgerEntry, SeedLot, StockBalance, StopSaleOrder
from seedreg.accounts.models import User


@pytest.mark.django_db
def test_the_demo_lot_spreads_to_a_dozen_shops_and_hundreds_of_farmers():
    call_command("load_demo")
    lot = SeedLot.objects.get(lot_number="DY2026-0318")
    trace = selectors.trace_forward(lot, viewer=User.objects.get(username="keyuan"))
    assert len(trace.holders) == 13 and len(trace.transfers) == 12
    assert trace.farmer_sales().count() >= 200
    for balance in StockBalance.objects.all():
        total = LedgerEntry.objects.filter(business=balance.business, lot=balance.lot).aggregate(s=Sum("quantity_kg"))
        assert balance.quantity_kg == total["s"]
    # The ledger's failed lot is stopped (the lab's demo adds the order of its own failed sample).
    assert StopSaleOrder.objects.in_force().filter(reason__startswith="经检验发芽率为78%").count() == 1
    entries = LedgerEntry.objects.count()
    call_command("load_demo")
    assert LedgerEntry.objects.count() == entries

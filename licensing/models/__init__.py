"""The licensing app's models: the directory, licences, filings, the variety catalogue."""

from .catalogue import Crop, RiceSubspecies, SeedType, Variety
from .checks import DocumentCheck
from .directory import (
    LICENSED_KINDS,
    Business,
    BusinessKind,
    BusinessLicence,
    BusinessSearchToken,
    CoordinateSystem,
    DealerMembership,
    EntityType,
    OutsideParty,
)
from .filings import EVENT_LABELS, Filing, FilingItem, FilingType
from .imports import ImportJob
from .ledger import (
    ENTERING_KINDS,
    CountObservation,
    DealerTransfer,
    EntryKind,
    LedgerEntry,
    LotDerivation,
    StockBalance,
    sign_of,
)
from .licences import ExpiryReminder, LicenceStatus, LicenceStatusChange, LicenceTerm, SeedLicence
from .lots import BAD_VERDICTS, LotQualityRecord, LotUnitCode, LotVerdict, SeedClass, SeedLot
from .stopsale import StopSaleHolder, StopSaleOrder

__all__ = [
    "BAD_VERDICTS", "ENTERING_KINDS", "CountObservation", "DealerTransfer", "EntryKind", "LedgerEntry",
    "LotDerivation", "LotQualityRecord", "LotUnitCode", "LotVerdict", "SeedClass", "SeedLot", "StockBalance",
    "StopSaleHolder", "StopSaleOrder", "sign_of",
    "EVENT_LABELS", "LICENSED_KINDS", "Business", "BusinessKind", "BusinessLicence", "BusinessSearchToken",
    "CoordinateSystem", "Crop", "DealerMembership", "DocumentCheck", "EntityType", "ExpiryReminder", "Filing",
    "FilingItem", "FilingType", "ImportJob", "LicenceStatus", "LicenceStatusChange", "LicenceTerm", "OutsideParty",
    "RiceSubspecies", "SeedLicence", "SeedType", "Variety",
]

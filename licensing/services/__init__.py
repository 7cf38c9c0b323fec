"""The licensing app's business rules. Views, the API, admin actions and tasks call these."""

from . import ledger_import  # noqa: F401  (registers the ledger importer)
from .accounts import (
    create_dealer_user,
    request_password_code,
    reset_dealer_password,
    reset_password_with_code,
)
from .catalogue import register_variety, update_variety, withdraw_variety
from .directory import (
    record_business_licence,
    record_document_check,
    register_business,
    register_outside_party,
    set_business_status,
    update_business,
)
from .filings import filing_deadline, issue_filing_receipt, record_filing, withdraw_filing
from .importing import parse_variety_items, progress_of, run_import, start_import
from .ledger import (
    check_entry_date,
    confirm_transfer,
    dispute_transfer,
    parse_packages,
    parse_quantity,
    record_loss,
    record_production,
    record_purchase,
    record_repacking,
    record_return,
    record_sale,
    reverse_entry,
)
from .licences import (
    change_licence_status,
    find_licence_by_number,
    issue_seed_licence,
    renew_seed_licence,
    rotate_licence_token,
)
from .lots import find_lot, register_seed_lot
from .quality import record_count_observation, record_lot_verdict
from .reminders import send_expiry_reminders
from .stopsale import (
    draft_stop_sale_order,
    holders_of,
    issue_stop_sale_notice,
    issue_stop_sale_order,
    lift_stop_sale_order,
    record_stop_sale_served,
    review_stop_sale_order,
)

__all__ = [
    "check_entry_date", "confirm_transfer", "dispute_transfer", "draft_stop_sale_order", "find_lot", "holders_of",
    "issue_stop_sale_notice", "issue_stop_sale_order", "lift_stop_sale_order", "record_stop_sale_served", "parse_packages", "parse_quantity", "record_count_observation",
    "record_loss", "record_lot_verdict", "record_production", "record_purchase", "record_repacking", "record_return",
    "record_sale", "register_seed_lot", "reverse_entry", "review_stop_sale_order",
    "change_licence_status", "create_dealer_user", "filing_deadline", "find_licence_by_number",
    "issue_filing_receipt", "issue_seed_licence", "parse_variety_items", "progress_of", "record_business_licence", "record_document_check",
    "record_filing", "register_business", "register_outside_party", "register_variety", "renew_seed_licence",
    "request_password_code", "reset_dealer_password", "reset_password_with_code", "rotate_licence_token",
    "run_import", "send_expiry_reminders", "set_business_status", "start_import", "update_business",
    "update_variety", "withdraw_filing", "withdraw_variety",
]

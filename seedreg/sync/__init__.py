"""The change feed phones sync from: ``seedreg.sync.feed.record_change`` (called by the owning
apps' services) and ``changes_since`` (read by the mobile API). See models.py for why it stays
monotonic."""

from .standards import Confirmation, QualityStandard, ToleranceRow, ToleranceTable

__all__ = ["Confirmation", "QualityStandard", "ToleranceRow", "ToleranceTable"]

from .reports import LabReport, Outcome
from .retests import RetestRequest
from .samples import LabSample
from .standards import Confirmation, QualityStandard, ToleranceRow, ToleranceTable
from .worksheets import LabTest, TestIndex, TestReview

__all__ = ["Confirmation", "LabReport", "LabSample", "LabTest", "Outcome", "QualityStandard", "RetestRequest", "TestIndex", "TestReview", "ToleranceRow",
           "ToleranceTable"]

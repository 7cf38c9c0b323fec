from .reports import LabReport, Outcome
from .samples import LabSample
from .standards import Confirmation, QualityStandard, ToleranceRow, ToleranceTable
from .worksheets import LabTest, TestIndex, TestReview

__all__ = ["Confirmation", "LabReport", "LabSample", "LabTest", "Outcome", "QualityStandard", "TestIndex", "TestReview", "ToleranceRow",
           "ToleranceTable"]

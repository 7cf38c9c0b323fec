from .referrals import PenaltyReferral
from .reports import LabReport, Outcome
from .results import CampaignResults
from .retests import RetestRequest
from .samples import LabSample
from .standards import Confirmation, QualityStandard, ToleranceRow, ToleranceTable
from .worksheets import LabTest, TestIndex, TestReview

__all__ = ["CampaignResults", "Confirmation", "LabReport", "LabSample", "LabTest", "Outcome", "PenaltyReferral", "QualityStandard", "RetestRequest", "TestIndex", "TestReview", "ToleranceRow",
           "ToleranceTable"]

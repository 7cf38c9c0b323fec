from .draws import Draw, DrawVerification
from .people import Complaint, ComplaintFollowUp, ConflictOfInterest, InspectorProfile
from .plans import Campaign, CampaignMode, Plan, Season
from .rules import ChecklistItem, FindingType, PrimarySampleRule, SamplingRule
from .sampling import CustodyTransfer, Sample, SamplingRecord
from .tasks import Task
from .visits import (
    CaseReferral,
    ChecklistAnswer,
    Finding,
    Outcome,
    Photo,
    RectificationOrder,
    Visit,
)

__all__ = [
    "Campaign", "CampaignMode", "CaseReferral", "ChecklistAnswer", "ChecklistItem", "Complaint", "ComplaintFollowUp", "ConflictOfInterest",
    "CustodyTransfer", "Draw", "DrawVerification", "Finding", "FindingType", "InspectorProfile", "Outcome", "Photo",
    "Plan", "PrimarySampleRule", "RectificationOrder", "Sample", "SamplingRecord", "SamplingRule", "Season", "Task",
    "Visit",
]

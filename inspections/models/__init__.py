from .draws import Draw, DrawVerification
from .people import Complaint, ComplaintFollowUp, ConflictOfInterest, InspectorProfile
from .plans import Campaign, CampaignMode, Plan, Season
from .rules import ChecklistItem, FindingType, PrimarySampleRule, SamplingRule
from .sampling import CustodyTransfer, Sample, SamplingRecord, SealNumber, normalise_seal
from .tasks import Task
from .visits import (
    CaseReferral,
    ChecklistAnswer,
    Finding,
    InspectorSignature,
    Outcome,
    Photo,
    RectificationOrder,
    Visit,
)

__all__ = [
    "Campaign", "CampaignMode", "CaseReferral", "ChecklistAnswer", "ChecklistItem", "Complaint", "ComplaintFollowUp",
    "ConflictOfInterest", "CustodyTransfer", "Draw", "DrawVerification", "Finding", "FindingType", "InspectorProfile",
    "InspectorSignature", "Outcome", "Photo", "Plan", "PrimarySampleRule", "RectificationOrder", "Sample",
    "SamplingRecord", "SamplingRule", "SealNumber", "Season", "Task", "Visit", "normalise_seal",
]

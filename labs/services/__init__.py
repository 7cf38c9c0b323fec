"""The laboratory's business rules. Views, tasks and other apps call these."""

from .intake import receive_sample
from .referrals import draft_penalty_referral, issue_penalty_referral, review_penalty_referral
from .results import publish_campaign_results
from .retests import (
    acknowledge_report,
    conclude_retest,
    dispatch_backup,
    objection_deadline,
    receive_backup,
    request_retest,
)
from .standards import add_comparison_tolerance, revise_quality_standard, revise_tolerance
from .verdicts import judge_sample, withdraw_report
from .worksheets import enter_test_data, repeat_test, retract_test, review_test, submit_test, verdict_for

__all__ = ["acknowledge_report", "add_comparison_tolerance", "conclude_retest", "dispatch_backup", "objection_deadline",
           "publish_campaign_results",
           "draft_penalty_referral", "issue_penalty_referral", "review_penalty_referral",
           "withdraw_report",
           "receive_backup", "request_retest", "enter_test_data", "judge_sample", "receive_sample", "repeat_test", "retract_test",
           "review_test", "revise_quality_standard", "revise_tolerance", "submit_test", "verdict_for"]

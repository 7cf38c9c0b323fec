"""The laboratory's business rules. Views, tasks and other apps call these."""

from .standards import add_comparison_tolerance, revise_quality_standard, revise_tolerance

__all__ = ["add_comparison_tolerance", "revise_quality_standard", "revise_tolerance"]

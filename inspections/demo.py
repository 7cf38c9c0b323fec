"""The inspections part of the demo county (filled in with the station pages)."""


def build_inspections(ctx):
    return None

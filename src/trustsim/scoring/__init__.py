"""Scoring: the behaviour taxonomy, the partner model and the report (SPEC sections 3-4)."""

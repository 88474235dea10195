"""Outcomes: what a clinic's check-ins add up to (pure; numbers in, figures out).

`summary` turns one triaged check-in into the few facts the summary tables keep; `figures`
turns the tables' counts into shares, rates with confidence intervals and durations.
"""

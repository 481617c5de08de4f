"""The Case: schema, validation with located errors, and the arrays models work on."""

from parley.case.arrays import CaseArrays, case_arrays
from parley.case.build import build_case
from parley.case.locations import Locations
from parley.case.schema import Actor, ActorPatch, Case, Estimate, Issue, NewActor, Scenario, Stance
from parley.case.suspect import case_warnings

__all__ = [
    "Actor",
    "ActorPatch",
    "Case",
    "CaseArrays",
    "Estimate",
    "Issue",
    "Locations",
    "NewActor",
    "Scenario",
    "Stance",
    "build_case",
    "case_arrays",
    "case_warnings",
]

"""The parameters of the expected utility model and its two presets.

Every place where Bueno de Mesquita's publications, Scholz, Calbert & Smith's (2011) printed
equations and Scholz's code (as replicated in public Python) disagree is a named parameter; the
presets fix them all. The defaults are the `scholz_code` semantics with parley's robustness
tolerances (`coincident`, `median_tie`); the presets `scholz_code` and `scholz_paper` compare
exactly, as the sources do. See docs/models/eum.md for the full table and why the defaults differ.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, ClassVar, Literal

from parley.models.constraints import MAX_ROUNDS, Interval, check_fields


@dataclass(frozen=True)
class EumParams:
    """Parameters of model `eum` (defaults: preset `scholz_code` with robust tolerances)."""

    rounds: int = 10
    #: P_ij normaliser: 'all_pairs' = |votes| over every voter and every ordered pair of actors
    #: (Scholz's code); 'pairwise' = Num(i,j) + Num(j,i), so P_ij + P_ji = 1 (the printed equation).
    probability: Literal["all_pairs", "pairwise"] = "all_pairs"
    #: Exponent of each voter's vote in the second pass: 'voter' = its own current r_k (Scholz's
    #: code), 'one' = 1 (the risk-neutral votes of the first pass are reused).
    vote_exponent: Literal["voter", "one"] = "voter"
    #: Whose r enters i's estimate of E_j(U_ji): 'own' = r_i (Scholz's code: i sees everything with
    #: its own attitude), 'opponent' = r_j (each actor's utility with its own exponent).
    opponent_risk: Literal["own", "opponent"] = "own"
    #: Whose salience is the resistance term of i's estimate of E_j(U_ji): 'target' = s_i (the
    #: challenged actor, as in the equation for E_i(U_ij)), 'challenger' = s_j.
    opponent_salience: Literal["target", "challenger"] = "target"
    #: Q, the probability that the status quo persists when nobody challenges.
    q: float = 1.0
    #: Include the -(1-Q)(T U_b + (1-T) U_w) term (printed equation; absent in Scholz's code).
    change_term: bool = False
    #: T: None = the rule (1 where |x_i - μ| < |x_i - x_j|, else 0); a number fixes it.
    t: float | None = None
    #: Conflict (both expect to gain, the opponent more): 'full' = the weaker side moves all the
    #: way to the stronger's position; 'none' = conflicts move nobody.
    conflict: Literal["full", "none"] = "full"
    #: Capitulation (a < 0 < b, |a| > |b|: i gives in fully). Off in Scholz's code (a typo there).
    capitulation: bool = False
    #: Choosing among several offers: 'scholz' = any conflict first (the closest), else the
    #: compromise with the smallest (|a| x_i + |b| x_j)/(|a|+|b|), else the closest capitulation;
    #: 'least_move' = the offer that moves the actor least (the paper, BdM).
    offer_choice: Literal["scholz", "least_move"] = "scholz"
    #: The median μ: 'condorcet' = scan of distinct positions with pairwise votes (rho = 1),
    #: 'weighted' = capability x salience weighted median (parley.models.baselines).
    median: Literal["condorcet", "weighted"] = "condorcet"
    #: The range D that scales distances: 'initial' = max - min of the input positions (Scholz),
    #: 'round' = max - min of the current positions, 'bounds' = the issue's scale.
    range: Literal["initial", "round", "bounds"] = "initial"
    #: Security sums all equal (max = min): 'neutral' = R = 0 (r = 1), 'previous' = keep last r.
    degenerate_risk: Literal["neutral", "previous"] = "neutral"
    #: Actors closer than `coincident` x D make no offers to each other, as actors at one position
    #: do not: they hold one position up to round-off, and the signs of their expected utilities
    #: of each other are round-off. 0 = only equal positions (the sources' `x_i == x_j`).
    coincident: float = 1e-9
    #: Median scan: vote totals within `median_tie` x sum(c s) of the best are ties (the lowest
    #: position wins). 0 = exact comparison (the sources' `votes > 0`).
    median_tie: float = 1e-12
    #: A problem whose state (positions now and a round before, risk exponents) is within
    #: `cycle_tolerance` x D (positions) and `cycle_tolerance` (exponents) of its state p <= 24
    #: rounds earlier is in a cycle and is not played on: its later rounds are copies of the
    #: cycle's (parley.models.eum.cycles). Oscillating members of an ensemble often repeat their
    #: states only up to round-off (1e-14..1e-12 of the range), and would otherwise play to the
    #: round cap; the copies differ from playing on by round-off. 0 = exact repeats only (the
    #: sources play every round; their numbers are those of exact copies).
    cycle_tolerance: float = 1e-12
    #: Stopping: 'rounds' = exactly `rounds` rounds; 'median' = an issue stops once its median
    #: moved less than `tolerance` x D for `patience` rounds in a row (`rounds` is the cap).
    stop: Literal["rounds", "median"] = "rounds"
    tolerance: float = 1e-6
    patience: int = 3
    #: Vote sums: 'fast' = sorted positions and prefix sums, O(n^2 log n); 'plain' = the n^3 formula.
    kernel: Literal["fast", "plain"] = "fast"
    #: Events recorded (for the first batch member): every offer made, only accepted ones, or none.
    events: Literal["offers", "accepted", "none"] = "offers"
    #: Record the quadrant chart (E_i(U_ij) against E_j(U_ji) for every pair, every round).
    quadrants: bool = True
    #: Offers made and quadrant data are O(n^2) per round: only kept for issues with at most this
    #: many actors (accepted offers are always kept unless events = 'none').
    detail_max_actors: int = 50

    #: Declared ranges, checked once at the edge (parley.models.constraints).
    param_ranges: ClassVar[dict[str, Interval]] = {
        "rounds": Interval(0, MAX_ROUNDS),
        "q": Interval(0, 1),
        "t": Interval(0, 1),
        "tolerance": Interval(0, 1),
        "coincident": Interval(0, 1, "left"),
        "median_tie": Interval(0, 1, "left"),
        "cycle_tolerance": Interval(0, 1e-6),
        "patience": Interval(1, MAX_ROUNDS),
        "detail_max_actors": Interval(0, 1_000_000),
    }

    def __post_init__(self) -> None:
        check_fields(self, "eum")  # direct construction: the declared types and ranges above

    def as_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


#: Scholz's code as replicated in public Python: reproduces Scholz et al. (2011) Table 2.
SCHOLZ_CODE: dict[str, Any] = {
    "probability": "all_pairs",
    "vote_exponent": "voter",
    "opponent_risk": "own",
    "opponent_salience": "target",
    "q": 1.0,
    "change_term": False,
    "t": None,
    "conflict": "full",
    "capitulation": False,
    "offer_choice": "scholz",
    "median": "condorcet",
    "range": "initial",
    "degenerate_risk": "neutral",
    "coincident": 0.0,  # the code skips only x_j == x_i
    "median_tie": 0.0,  # the code's scan replaces the incumbent when votes > 0
    "cycle_tolerance": 0.0,  # the code plays every round: only exact repeats are copied
}

#: The equations as printed (Scholz et al. 2011; Bueno de Mesquita 1994, 1997).
SCHOLZ_PAPER: dict[str, Any] = {
    **SCHOLZ_CODE,
    "probability": "pairwise",
    "opponent_risk": "opponent",
    "change_term": True,
    "capitulation": True,
    "offer_choice": "least_move",
    "median": "weighted",
}

PRESETS = {"scholz_code": SCHOLZ_CODE, "scholz_paper": SCHOLZ_PAPER}

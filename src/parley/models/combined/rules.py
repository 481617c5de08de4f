"""The decision rules the `combined` forecaster reads as features: the EU legislative procedure
(co-decision COD or consultation CNS) and the Council's voting rule (QMV or unanimity), per issue.

>>> parse_rule("cod", ["a", "b"], PROCEDURES)
{'a': 'COD', 'b': 'COD'}
>>> parse_rule("a=Unan,b=QMV", ["a", "b"], VOTING_RULES)
{'a': 'Unan', 'b': 'QMV'}
"""

from __future__ import annotations

from parley.errors import CaseError

PROCEDURES = ("COD", "CNS")
VOTING_RULES = ("QMV", "Unan")


def parse_rule(value: object, issue_ids: list[str], allowed: tuple[str, ...]) -> dict[str, str]:
    """'COD' -> every issue COD; 'i1=COD,i2=CNS' -> per issue; None -> {} (unknown)."""
    if value is None or value == "":
        return {}
    text = str(value).strip()
    canon = {a.lower(): a for a in allowed}
    if "=" not in text:
        rule = canon.get(text.lower())
        if rule is None:
            raise CaseError(f"expected one of {', '.join(allowed)}, got {text!r}")
        return dict.fromkeys(issue_ids, rule)
    out: dict[str, str] = {}
    for part in text.split(","):
        issue, sep, rule_text = part.partition("=")
        issue, rule_text = issue.strip(), rule_text.strip()
        rule = canon.get(rule_text.lower())
        if not sep or issue not in issue_ids or rule is None:
            raise CaseError(
                f"expected ISSUE={'|'.join(allowed)} pairs for issues of this case, got {part!r}"
            )
        out[issue] = rule
    return out

"""Perfluoroalkyl groups of a given carbon count in any branching, for membership SMARTS.

Legal texts name perfluoroalkyl moieties by formula, which fixes the carbon count and not the chain's shape:
"C8F17SO2X" (EU POPs, PFOS), "a linear or branched perfluoroheptyl group with the moiety (C7F15)C" (EU POPs,
PFOA-related compounds), "C6F13S-" (EU POPs, PFHxS-related compounds), 「（トリデカフルオロアルキル）スルホニル基
（炭素数が六のものに限る。）」 (CSCL Class I item 37). A SMARTS written from the terminal CF3 reaches the straight
chain only, so a branched isomer passed although the text names it.

A rule writes `{Rf<n>}` as a primitive inside a bracket atom; it holds for the atom the group is bonded to:

    [#16;{Rf6}]                       a sulfur atom that carries a C6F13 group, straight or branched
    [$([SX4](=O)=O);{Rf8}]            a sulfonyl carrying a C8F17 group

It expands to one recursive SMARTS per isomer (`$(*C(F)(F)…)`, or-ed): the first atom is the atom tested, the
next the group's carbon bonded to it, and every carbon of the group has its four neighbours written (F or
carbons of the group, the first also the atom tested), so the group is exactly n perfluorinated sp3 carbons
bonded to the rest of the molecule by that one bond. The isomers are the rooted trees of n carbons in which
each carbon has at most three carbon children (17 for C6, 39 for C7, 89 for C8: the counts of the alkyl
radicals C_nH_2n+1, OEIS A000598), enumerated here, not listed by hand.
"""

from __future__ import annotations

import functools
import re

MACRO = re.compile(r"\{Rf(\d+)\}")
MAX_CARBONS = 12  # C12: 3,057 isomers (C13: 7,639); longer chains are named by no rule and make huge SMARTS


@functools.cache
def _trees(n: int) -> tuple[tuple, ...]:
    """Rooted carbon trees with n nodes, each node with at most three children, one canonical form each
    (a tree is the sorted tuple of its subtrees)."""
    if n == 1:
        return ((),)
    out: set[tuple] = set()
    # the root's children: a multiset of one to three subtrees whose sizes sum to n - 1
    for sizes in _partitions(n - 1, 3):
        for combo in _combos(sizes):
            out.add(tuple(sorted(combo)))
    return tuple(sorted(out))


def _partitions(total: int, parts: int, largest: int | None = None) -> list[tuple[int, ...]]:
    largest = total if largest is None else largest
    if total == 0:
        return [()]
    if parts == 0:
        return []
    out = []
    for first in range(min(total, largest), 0, -1):
        out += [(first, *rest) for rest in _partitions(total - first, parts - 1, first)]
    return out


def _combos(sizes: tuple[int, ...]) -> list[tuple]:
    if not sizes:
        return [()]
    out = []
    for tree in _trees(sizes[0]):
        out += [(tree, *rest) for rest in _combos(sizes[1:])]
    return out


def _smarts(tree: tuple) -> str:
    """The carbon of `tree` and its subtree, each carbon with F for the places its children leave free (every
    carbon has one parent bond, so 3 - children fluorines)."""
    fluorines = "(F)" * (3 - len(tree))
    return "C" + fluorines + "".join(f"({_smarts(child)})" for child in tree)


@functools.cache
def isomers(n: int) -> tuple[str, ...]:
    """One SMARTS per perfluoroalkyl isomer with n carbons, from the carbon bonded to the rest."""
    if not 1 <= n <= MAX_CARBONS:
        raise ValueError(f"{{Rf{n}}}: a perfluoroalkyl group of 1 to {MAX_CARBONS} carbons is supported")
    return tuple(_smarts(t) for t in _trees(n))


@functools.lru_cache(maxsize=4096)
def fluorines_needed(pattern: str) -> int:
    """The fluorine atoms a molecule needs for `pattern` to match: 2n + 1 for its smallest `{Rf<n>}` (0 without;
    of alternatives or-ed, the smallest is what one needs), a test far cheaper than the recursive SMARTS."""
    return min((2 * int(n) + 1 for n in MACRO.findall(pattern)), default=0)


def expand(pattern: str) -> str:
    """`pattern` with each `{Rf<n>}` replaced by its isomers as or-ed recursive SMARTS."""
    return MACRO.sub(lambda m: ",".join(f"$(*{s})" for s in isomers(int(m.group(1)))), pattern)

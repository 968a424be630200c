"""Write ``src/docbatch/pipeline/entities/data/given_names.txt`` from the 1990 U.S. Census
first-name lists (public domain; the files ``dist.male.first`` and ``dist.female.first``
as published by the Census Bureau, also shipped in the PyPI package ``names`` 0.3.0).

Kept: every male name (1,219, down to 0.001 %) and the female names that cover 85 % of
women (about 1,550), less the names that are also ordinary words which legal prose
capitalises ("Will", "Grant", "Major", "King", "Chase", "Long") or that begin a place or a
month. docbatch reads the written file at run time; this script is only run by hand, when
the list is to be rebuilt (no network: the two files are given as arguments).

    python scripts/make_given_names.py dist.male.first dist.female.first
"""

from __future__ import annotations

import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "src/docbatch/pipeline/entities/data/given_names.txt"

#: Names that are also words a court capitalises at a sentence's or a heading's start, or
#: that begin an organisation's or a place's name more often than a person's.
NOT_GIVEN = frozenset(
    {
        "alpha", "art", "august", "autumn", "bill", "brain", "chase", "chi", "christen",
        "earnest", "grant", "hung", "king", "long", "ma", "major", "man", "manual", "may",
        "mi", "numbers", "son", "sun", "sung", "soon", "will", "young", "noble", "royal",
        "prince", "princess", "queen", "sterling", "precious", "destiny", "charity",
        "chastity", "forest", "garland", "van", "sang", "sol", "april", "june", "summer",
        "winter", "justice", "judge", "page", "marquis", "miles", "union", "general", "ivory",
        "crystal",
    }
)  # fmt: skip


def _names(path: str, cumulative: float) -> list[str]:
    out = []
    for line in Path(path).read_text(encoding="ascii").splitlines():
        name, _, total, _ = line.split()
        if float(total) <= cumulative:
            out.append(name.lower())
    return out


def main(male: str, female: str) -> None:
    names = sorted((set(_names(male, 100.0)) | set(_names(female, 85.0))) - NOT_GIVEN)
    header = (
        "# Given names for docbatch's person rules: 1990 U.S. Census first-name lists\n"
        "# (public domain), built by scripts/make_given_names.py; one name a line.\n"
    )
    OUT.write_text(header + "\n".join(names) + "\n", encoding="ascii")
    print(f"{len(names)} names written to {OUT}")


if __name__ == "__main__":
    main(*sys.argv[1:3])

"""The one palette: a fixed colour per category and per target type, used by every figure, table
badge and the dashboard, so a colour means the same thing on every page."""

from __future__ import annotations

from ..dataset.vocabulary import CATEGORIES, TARGET_TYPES

# Tableau 10 plus one grey for the eleven levers; the three levers the plans pull hardest
# (platforms, talent, financing) take the three strongest hues.
CATEGORY_COLOURS = dict(
    zip(
        CATEGORIES,
        (
            "#4e79a7",  # platforms
            "#f28e2b",  # talent
            "#59a14f",  # financing
            "#e15759",  # enterprises
            "#76b7b2",  # rd_investment
            "#edc948",  # tech_transfer
            "#b07aa1",  # industry
            "#ff9da7",  # ip
            "#9c755f",  # cooperation
            "#bab0ac",  # governance
            "#7f7f7f",  # society
        ),
        strict=True,
    )
)
# Okabe-Ito (safe for colour-blind readers) for the nine target types.
TYPE_COLOURS = dict(
    zip(
        TARGET_TYPES,
        ("#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442", "#999999", "#000000"),
        strict=True,
    )
)

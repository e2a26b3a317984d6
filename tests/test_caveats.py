"""The assumptions-and-caveats log is complete, applies to things that exist, and is up to date."""

import afspraken_analysis as aa
from afspraken_analysis import caveats
from afspraken_analysis.paths import DOCS_DIR

TOPICS = {"tracking", "scenario", "baseline", "annexes", "start_share"}


def test_every_caveat_applies_to_something_that_exists():
    targets = aa.load("targets")
    known = TOPICS | set(aa.tables()) | set(targets["target_id"]) | set(targets["indicator"])
    known |= {"social_rent_stock", "dwellings_total", "solar_panels_cumulative"}
    for row in caveats.caveats().itertuples():
        assert row.applies_to, row.caveat_id
        assert set(row.applies_to) <= known, (row.caveat_id, set(row.applies_to) - known)
        assert row.text_nl and row.text_en


def test_caveats_for_a_figure():
    texts = caveats.for_keys("social_rent_share_pct", lang="en")
    assert any("CBS 82900NED" in t for t in texts)
    assert any("estimate" in t for t in texts)
    assert caveats.for_keys("no_such_thing") == []


def test_committed_assumptions_log_is_up_to_date():
    committed = (DOCS_DIR / "assumptions.md").read_text(encoding="utf-8")
    assert committed == caveats.log_markdown(), (
        "run: uv run afspraken data caveats --out docs/assumptions.md"
    )

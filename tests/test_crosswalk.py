"""The crosswalk (catalogue/crosswalk.csv): complete for every code the layouts emit, checked
on load, and flagging the known breaks between regimes."""

from __future__ import annotations

import pytest

from govstats.catalogue.indicators import catalogue
from govstats.errors import ConfigError
from govstats.panel.crosswalk import (
    COMPARABILITY,
    _parse,
    check_coverage,
    crosswalk,
    emittable_codes,
    link,
)

HEADER = "regime,indicator,concept,comparability,caveat_en,caveat_zh\n"


def test_every_emittable_code_is_covered_and_nothing_else() -> None:
    check_coverage()  # raises when a (regime, code) is missing or never emitted
    emitted = {(r, c) for r, codes in emittable_codes().items() for c in codes}
    assert set(crosswalk()) == emitted
    assert len(crosswalk()) == 286  # R0 grew the 2008 template rows (新闻发布会, 查阅点, 访问量)


def test_every_code_and_concept_is_catalogued_and_flags_are_known() -> None:
    cat = catalogue()
    for link_ in crosswalk().values():
        assert link_.indicator in cat and link_.concept in cat
        assert link_.comparability in COMPARABILITY
        if link_.comparability != "same":
            assert link_.caveat_en and link_.caveat_zh


def test_known_breaks_between_regimes() -> None:
    # R1 被依法纠错数 vs R2/R3 结果纠正
    r1 = link("R1", "review.corrected")
    assert r1 is not None and r1.comparability == "comparable-with-caveat"
    assert "被依法纠错" in r1.caveat_en and "结果纠正" in r1.caveat_zh
    assert link("R2", "review.corrected").comparability == "same"  # type: ignore[union-attr]
    # R1 has no 尚未审结 column
    assert link("R1", "review.pending") is None
    assert "尚未审结" in link("R1", "review.total").caveat_en  # type: ignore[union-attr]
    # R2 其他处理 is one row, R3 three
    r2_other = link("R2", "outcome.other")
    assert r2_other.comparability == "comparable-with-caveat"  # type: ignore[union-attr]
    assert "three" in r2_other.caveat_en  # type: ignore[union-attr]
    assert link("R2", "outcome.other.no_fee") is None
    # requests by channel (R0/R1) vs by applicant type (R2/R3)
    assert "applicant type" in link("R1", "requests.channel.letter").caveat_en  # type: ignore[union-attr]
    assert link("R3", "requests.channel.letter") is None
    # the R1 answers total maps onto the R2/R3 decisions total, with a caveat
    answered = link("R1", "outcome.answered")
    assert answered.concept == "outcome.total"  # type: ignore[union-attr]
    assert answered.comparability == "comparable-with-caveat"  # type: ignore[union-attr]


def test_r0_cumulative_twins_are_not_comparable_with_the_annual_concept() -> None:
    twins = [lk for (r, c), lk in crosswalk().items() if c.endswith(".cumulative")]
    assert len(twins) == 40
    for lk in twins:
        assert lk.regime == "R0"
        assert lk.comparability == "not-comparable"
        assert lk.concept == link("R0", lk.indicator.removesuffix(".cumulative")).concept  # type: ignore[union-attr]
    annual = link("R0", "requests.new")
    assert annual.comparability == "comparable-with-caveat"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("R2,requests.nwe,requests.new,same,,\n", "not in catalogue"),
        ("R2,requests.new,requests.new,similar,,\n", "comparability"),
        ("R9,requests.new,requests.new,same,,\n", "regime"),
        ("R2,requests.new,requests.novel,same,,\n", "concept"),
        ("R2,requests.new,requests.new,not-comparable,,\n", "caveats"),
        ("R2,requests.new,requests.new,same,,\nR2,requests.new,requests.new,same,,\n", "duplicate"),
        (
            "R2,requests.new,requests.new,same,,\nR2,requests.carried_in,requests.new,same,,\n",
            "both claim",
        ),
    ],
)
def test_a_bad_row_fails_loudly_naming_the_line(row: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message) as info:
        _parse(HEADER + row, "crosswalk.csv")
    assert "crosswalk.csv line" in str(info.value)


def test_a_bad_header_fails() -> None:
    with pytest.raises(ConfigError, match="header"):
        _parse("regime,indicator,concept\nR2,requests.new,requests.new\n", "x.csv")

"""The limits on one input (:mod:`govstats.limits`): every hostile case of
``tests/hostile_files.py`` at a small size, under limits lowered to match, ends in the typed
error naming its limit (or in a clean result), on one line."""

from __future__ import annotations

import sys

import pytest

import govstats
from govstats.errors import ConfigError, GovstatsError, UnreadableInput
from govstats.limits import DEFAULT_LIMITS, LimitExceeded, Limits, inflated_size, use_limits

from .hostile_files import CASES, build


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_case_ends_in_its_typed_error(name: str) -> None:
    case = CASES[name]
    fname, data = build(name)
    limits = DEFAULT_LIMITS.replace(**dict(case.small_limits))
    if case.outcome == "result":
        report = govstats.parse_report(data, filename=fname, limits=limits)
        assert report.value_list
        return
    if case.outcome == "any":
        try:
            govstats.parse_report(data, filename=fname, limits=limits)
        except GovstatsError as exc:
            assert not isinstance(exc, LimitExceeded), exc
        return
    with pytest.raises(GovstatsError) as info:
        govstats.parse_report(data, filename=fname, limits=limits)
    exc = info.value
    assert "\n" not in str(exc)
    if case.outcome == "error":
        assert not isinstance(exc, LimitExceeded), exc
        return
    assert isinstance(exc, LimitExceeded), exc
    assert isinstance(exc, UnreadableInput)
    assert exc.limit == case.outcome, exc
    assert exc.value == getattr(limits, case.outcome)
    assert f"{case.outcome}={exc.value:,}" in str(exc)
    assert exc.found is None or exc.found > exc.value


@pytest.mark.parametrize("name", sorted(n for n, c in CASES.items() if c.small_limits))
def test_small_case_passes_the_default_limits(name: str) -> None:
    """The small files breach only the lowered limits: the default ones let them through
    (so each test above is about its limit, not about the file being broken)."""
    fname, data = build(name)
    try:
        govstats.parse_report(data, filename=fname)
    except LimitExceeded as exc:  # pragma: no cover - the failure message
        pytest.fail(f"{name} breaches a default limit: {exc}")
    except GovstatsError:
        pass  # e.g. a PDF of empty pages has no text layer


def test_limits_from_options() -> None:
    lim = Limits().with_options(["pages=20", "html-bytes=2M", "text_chars=1.5k"])
    assert (lim.pages, lim.html_bytes, lim.text_chars) == (20, 2 << 20, 1500)
    assert lim.key() != Limits().key()
    assert "memory_bytes" not in lim.key()
    for bad in (["nope=1"], ["pages"], ["pages=x"], ["pages=0"], ["run_digits=5000"]):
        with pytest.raises(ConfigError):
            Limits().with_options(bad)


def _caps_after(start_cap: int | None, extra: int) -> tuple[int, int]:
    """In a forked child: cap the address space at ``start_cap`` more than it holds (None:
    no cap), let it grow by ``extra``, and return the soft caps before and after."""
    import multiprocessing
    import resource

    from govstats.limits import address_space, allow_address_space

    def child(q: object) -> None:
        if start_cap is not None:
            resource.setrlimit(
                resource.RLIMIT_AS, (address_space() + start_cap, resource.RLIM_INFINITY)
            )
        before = resource.getrlimit(resource.RLIMIT_AS)[0]
        allow_address_space(extra)
        q.put((before, resource.getrlimit(resource.RLIMIT_AS)[0]))  # type: ignore[attr-defined]

    ctx = multiprocessing.get_context("fork")
    q = ctx.Queue()
    p = ctx.Process(target=child, args=(q,))
    p.start()
    got = q.get(timeout=60)
    p.join()
    return got


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="RLIMIT_AS and /proc: Linux")
def test_the_ocr_budget_raises_a_workers_memory_cap_never_lowers_it() -> None:
    import resource

    before, after = _caps_after(200 << 20, 2 << 30)
    assert after >= before + (1 << 30)  # raised to about 2 GiB over what it held
    before, after = _caps_after(2 << 30, 100 << 20)
    assert after == before  # never lowered
    assert _caps_after(None, 100 << 20) == (resource.RLIM_INFINITY, resource.RLIM_INFINITY)
    assert "ocr_memory_bytes" not in Limits(ocr_memory_bytes=5).key()


def test_use_limits_scopes_the_limits() -> None:
    fname, data = build("clean_html")
    with use_limits(Limits(text_chars=10)), pytest.raises(LimitExceeded):
        govstats.parse_report(data, filename=fname)
    assert govstats.parse_report(data, filename=fname).value_list


def test_inflated_size_does_not_trust_headers() -> None:
    import zlib

    raw = zlib.compressobj(9, zlib.DEFLATED, -15)
    blob = raw.compress(b"\0" * 5_000_000) + raw.flush()
    assert inflated_size(blob, 8, 10_000_000) == 5_000_000
    assert inflated_size(blob, 8, 1_000_000) == 1_000_001  # gave up past the budget
    assert inflated_size(b"not deflate", 8, 100) == 0


def test_input_bytes_checked_before_reading(tmp_path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(b"x" * 5000)
    with pytest.raises(LimitExceeded, match="input_bytes=1,000"):
        govstats.parse_report(path, limits=Limits(input_bytes=1000))

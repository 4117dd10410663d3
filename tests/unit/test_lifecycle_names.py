"""Version names sort in the order the versions were made: publish keeps the newest and rollback goes to the
one before by name."""

from __future__ import annotations

from store.lifecycle import version_stamp


def test_versions_made_within_one_second_sort_as_made() -> None:
    second = 1_764_662_800 * 1_000_000_000
    # 315 µs then 533 µs into the second, but 402 ns then 977 ns into their milliseconds' last digits:
    first, then = second + 315_402_000, second + 533_977_100
    later_ms_earlier_ns = second + 534_000_050  # ns % 1e6 = 50: smaller than both
    stamps = [version_stamp(t) for t in (first, then, later_ms_earlier_ns)]
    assert stamps == sorted(stamps) and len(set(stamps)) == 3
    assert all(len(s) == 20 and s.isdigit() for s in stamps)

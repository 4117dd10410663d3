"""indexer/plan.py: the split of a build into parts, and a plan that keeps what it read for the run."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzers.document import Document
from indexer.plan import Part, Plan, make_plan
from indexer.scope import resolve_scopes
from indexer.sources import read_documents

NOTICE = "关于加强{topic}工作的通知\n各有关部门要高度重视{topic}工作。\n聊城市人民政府办公室\n2023年7月10日\n"
SOURCES = [f"{folder}/{i:03d}.txt" for folder in ("a", "b/c") for i in range(200)]


@pytest.mark.parametrize("text", ["0/2", "3/2", "1", "a/b", "1/0", "-1/2", ""])
def test_a_part_is_i_of_n(text: str) -> None:
    with pytest.raises(ValueError, match="I/N"):
        Part.parse(text)


def test_parts_cover_every_file_once_and_evenly() -> None:
    parts = [Part.parse(f"{i}/3") for i in (1, 2, 3)]
    owners = [[p.number for p in parts if p.holds(s)] for s in SOURCES]
    assert all(len(o) == 1 for o in owners)
    sizes = [sum(o == [p.number] for o in owners) for p in parts]
    assert min(sizes) > len(SOURCES) / 3 * 0.8  # a hash spreads them about evenly


def test_the_split_is_stable() -> None:
    """Machines (and releases) agree only while the split depends on nothing but the path: pinned."""
    sources = ("a.txt", "b.txt", "dir/c.txt", "政策/通知.txt")
    assert [Part(1, 2).holds(s) for s in sources] == [False, False, True, True]
    assert [n for n in (1, 2, 3) if Part(n, 3).holds("dir/c.txt")] == [3]
    assert str(Part.parse("2/5")) == "2/5"


def _plan_of(root: Path, part: Part | None = None) -> tuple[Plan, list[Path]]:
    reads: list[Path] = []

    def read(path: Path, at: Path) -> list[Document]:
        reads.append(path)
        return read_documents(path, at, 10**8)

    return make_plan(resolve_scopes([root], ()), {}, read, "fake", (100, 500), part), reads


def test_a_part_reads_only_its_files_and_keeps_them(tmp_path: Path) -> None:
    for i, topic in enumerate(["古树名木保护", "农机购置补贴", "政务公开", "安全生产", "河湖长制"]):
        (tmp_path / f"{i}.txt").write_text(NOTICE.format(topic=topic), encoding="utf-8")
    whole, _ = _plan_of(tmp_path)
    halves = [_plan_of(tmp_path, Part(i, 2)) for i in (1, 2)]
    assert sorted(p for _, reads in halves for p in reads) == sorted(tmp_path.glob("*.txt"))
    for plan, reads in halves:
        assert set(plan.files_to_write) == set(reads)
        assert set(plan.kept) == set(reads)  # the run reads none of them again
    assert sum(len(p.added) for p, _ in halves) == len(whole.added)

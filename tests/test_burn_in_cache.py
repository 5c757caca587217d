"""The burn-in computed once: a run that starts from a kept burned-in state gives the same
tables as the run computed from scratch, bit for bit; an entry that cannot be trusted (edited,
truncated, written by other model code) is recomputed; two processes filling one entry leave
one whole entry."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from sim.core import burn_in_cache
from sim.core.run import resolve, run_model

SMALL = ["org.n_employees=40", "org.team_size=5", "org.burn_in_weeks=20", "org.weeks=24"]
# Runs that share one burned-in organisation, and two that do not (a different organisation).
SHARING = [
    ["regime=baseline"],
    ["regime=token_leaderboard", "regime.forced_ranking=0.1"],
    ["regime=team_outcome", "org.weeks=16"],
    ["regime=decoupled_telemetry", "regime.start_week=3"],
]
OWN = [
    ["regime=token_leaderboard", "regime.start_week=0", "regime.telemetry_visible=true"],
    ["regime=adoption", "behaviour.judgement_noise=0.5"],
]


def tables(overrides: list[str], seed: int = 11) -> str:
    """A hash of a run's weekly, per-employee and summary tables."""
    result = run_model(resolve(None, [*SMALL, *overrides]), seed=seed)
    digest = hashlib.sha256()
    for table in (result.weekly, result.employees, result.summary.to_frame()):
        digest.update(table.to_csv().encode())
    return digest.hexdigest()


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv(burn_in_cache.ENV, str(tmp_path / "cache"))
    burn_in_cache.forget()
    yield tmp_path / "cache"
    burn_in_cache.forget()


@pytest.fixture(scope="module")
def fresh() -> dict[int, str]:
    """Every run computed from scratch, with nothing kept anywhere."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(burn_in_cache.ENV, "off")
        computed = {}
        for k, overrides in enumerate([*SHARING, *OWN]):
            burn_in_cache.forget()  # and nothing kept in memory
            computed[k] = tables(overrides)
        burn_in_cache.forget()
    return computed


def test_runs_that_share_a_burn_in_give_the_tables_of_runs_computed_alone(cache, fresh):
    for k, overrides in enumerate([*SHARING, *OWN]):
        assert tables(overrides) == fresh[k], overrides
    assert len(list(cache.glob("*.npz"))) == 1 + len(OWN)  # the shared one, and one each
    burn_in_cache.forget()  # from disk now, in a process that kept nothing
    for k, overrides in enumerate([*SHARING, *OWN]):
        assert tables(overrides) == fresh[k], overrides


def test_a_different_seed_or_organisation_is_not_served_the_kept_state(cache, fresh):
    tables(SHARING[0])
    assert tables(SHARING[0], seed=12) != fresh[0]
    tables([*SHARING[0], "behaviour.judgement_noise=0.5"])
    assert len(list(cache.glob("*.npz"))) == 3  # one for each seed and organisation


def _entry(cache: Path) -> Path:
    [entry] = cache.glob("*.npz")
    return entry


def _rewrite(entry: Path, change) -> None:
    with np.load(entry, allow_pickle=False) as stored:
        arrays = {name: stored[name] for name in stored.files}
    change(arrays)
    with entry.open("wb") as file:
        np.savez(file, **arrays)


@pytest.mark.parametrize("damage", ["edited", "truncated", "not_a_zip", "other_model_code"])
def test_an_entry_that_cannot_be_trusted_is_recomputed(cache, fresh, monkeypatch, damage):
    tables(SHARING[1])
    entry = _entry(cache)
    if damage == "edited":  # one number nudged, the rest of the file intact
        _rewrite(entry, lambda arrays: arrays["part0"].__setitem__(0, arrays["part0"][0] + 1))
    elif damage == "truncated":
        entry.write_bytes(entry.read_bytes()[: entry.stat().st_size // 2])
    elif damage == "not_a_zip":
        entry.write_text("hello")
    else:  # the same parameters under another model's code: another key, never this entry
        monkeypatch.setattr(burn_in_cache, "model_fingerprint", lambda: "another model")
    burn_in_cache.forget()
    assert tables(SHARING[1]) == fresh[1]
    kept = list(cache.glob("*.npz"))
    assert len(kept) == (2 if damage == "other_model_code" else 1)
    burn_in_cache.forget()
    for path in kept:  # whatever is on disk now is whole and trusted
        state = burn_in_cache.load(path.stem)
        assert state is not None and state["meta"]["checksum"] == burn_in_cache.checksum(state["arrays"])


def test_an_entry_moved_under_another_key_is_not_trusted(cache):
    tables(SHARING[0])
    entry = _entry(cache)
    entry.rename(cache / ("0" * 32 + ".npz"))
    burn_in_cache.forget()
    assert burn_in_cache.load("0" * 32) is None


def test_two_processes_filling_one_entry_leave_one_whole_entry(cache, fresh):
    script = (
        "import sys; sys.path.insert(0, 'tests'); "
        "from test_burn_in_cache import tables, SHARING; print(tables(SHARING[0]))"
    )
    root = Path(__file__).resolve().parent.parent
    runs = [
        subprocess.Popen([sys.executable, "-c", script], cwd=root, stdout=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=300)[0].strip() for run in runs]
    assert outputs == [fresh[0], fresh[0]]
    assert [p.name for p in cache.iterdir()] == [_entry(cache).name]  # no temporary file left
    burn_in_cache.forget()
    assert burn_in_cache.load(_entry(cache).stem) is not None
    assert tables(SHARING[0]) == fresh[0]


def test_the_disk_cache_can_be_turned_off(tmp_path, monkeypatch, fresh):
    monkeypatch.setenv(burn_in_cache.ENV, "off")
    monkeypatch.chdir(tmp_path)
    burn_in_cache.forget()
    assert tables(SHARING[0]) == fresh[0]
    assert burn_in_cache.folder() is None and not list(tmp_path.rglob("*.npz"))


def test_the_folder_is_kept_under_its_size_by_dropping_the_least_recently_used(tmp_path):
    import os

    for k, age in enumerate((300, 100, 200)):  # seconds since each was last used
        entry = tmp_path / f"{k}.npz"
        entry.write_bytes(b"x" * 1000)
        os.utime(entry, (entry.stat().st_atime, entry.stat().st_mtime - age))
    burn_in_cache.prune(tmp_path, max_bytes=2000)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["1.npz", "2.npz"]

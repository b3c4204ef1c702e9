"""Random playthroughs: reproducible by seed, faithful to the engine, quiet when piped."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from authoring.generated import scenario_texts
from trustsim.authoring.compiled import compile_scenario
from trustsim.authoring.randomtest import random_playthroughs
from trustsim.authoring.walk import Walker
from trustsim.cli import main
from trustsim.commands.analyze import ProgressBar
from trustsim.engine import play
from trustsim.loader import check_text, load_scenario

HERE = Path(__file__).parent.parent
MINIMAL = HERE / "scenarios" / "minimal.toml"
BUNDLED = sorted((HERE.parent / "scenarios").glob("*.toml"))


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(scenario_texts(max_inner=6, loops=True), st.integers(0, 2**32))
def test_walker_plays_exactly_what_the_engine_plays(text: str, seed: int) -> None:
    result = check_text(text)
    assert result.scenario is not None
    cs = compile_scenario(result.scenario)
    walker = Walker(cs, 12)
    rng = random.Random(seed)
    for _ in range(5):
        v, tally, moves, finished = walker.play(rng, record=True)
        assert moves is not None
        session = play(result.scenario, [number for number, _ in moves])
        assert session.node.id == cs.ids[v]
        assert session.is_over == finished
        assert session.tally == tally


@pytest.mark.parametrize("path", [MINIMAL, *BUNDLED], ids=lambda p: p.name)
def test_same_seed_same_report(path: Path) -> None:
    scenario = load_scenario(path)
    first = random_playthroughs(scenario, 300, seed=7)
    assert random_playthroughs(scenario, 300, seed=7) == first
    assert sum(c for _, _, c in first.endings) + first.unfinished == 300
    for bins in first.scores.values():
        assert sum(bins) == 300 - first.unfinished


def test_different_seeds_play_differently() -> None:
    scenario = load_scenario(BUNDLED[0] if BUNDLED else MINIMAL)
    reports = {json.dumps(random_playthroughs(scenario, 200, seed=s).to_json(),
                          sort_keys=True) for s in range(4)}
    assert len(reports) > 1


def test_coverage_names_what_random_play_never_reached() -> None:
    scenario = load_scenario(MINIMAL)
    report = random_playthroughs(scenario, 1, seed=0)
    # One play takes one of the two opening choices and reaches one of the two endings.
    assert len(report.unreached_choices) == 1
    assert len(report.unreached_nodes) == 1
    full = random_playthroughs(scenario, 200, seed=0)
    assert full.unreached_nodes == () and full.unreached_choices == ()


def test_cli_random_json_is_clean_and_reproducible(
        capsys: pytest.CaptureFixture[str]) -> None:
    args = ["analyze", str(MINIMAL), "--random", "500", "--seed", "3", "--json"]
    assert main(args) == 0
    first = capsys.readouterr()
    assert first.err == ""  # no progress bar in JSON mode, nor when not on a terminal
    data = json.loads(first.out)
    assert data["random"]["plays"] == 500 and data["random"]["seed"] == 3
    assert main(args) == 0
    assert json.loads(capsys.readouterr().out) == data


def test_cli_random_text_has_histogram_and_coverage(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analyze", str(MINIMAL), "--random", "300", "--seed", "1"]) == 0
    out, err = capsys.readouterr()
    assert "Random playthroughs: 300 plays, seed 1" in out
    assert "#" in out and "90-100" in out and "Coverage" in out
    assert err == ""


def test_progress_bar_draws_in_place() -> None:
    class Stream:
        text = ""

        def write(self, text: str) -> None:
            self.text += text

        def flush(self) -> None:
            pass

    stream = Stream()
    bar = ProgressBar(stream, width=10)
    bar(5, 10)
    bar(10, 10)
    bar.close()
    assert stream.text.count("\r") == 3
    assert " 50%" in stream.text and "100%" in stream.text and "\n" not in stream.text


def test_authoring_imports_no_ui_or_network_library() -> None:
    import subprocess
    import sys

    modules = ["trustsim.authoring.analyze", "trustsim.authoring.randomtest",
               "trustsim.authoring.graph", "trustsim.authoring.schema",
               "trustsim.authoring.scaffold", "trustsim.authoring.scenario_tests",
               "trustsim.commands.analyze", "trustsim.commands.graph", "trustsim.commands.new",
               "trustsim.commands.schema"]
    program = ("import importlib, json, sys\n"
               f"for name in {modules!r}: importlib.import_module(name)\n"
               "print(json.dumps(sorted(sys.modules)))\n")
    run = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True,
                         check=True)
    loaded = json.loads(run.stdout)
    forbidden = ("textual", "rich", "asyncssh", "psycopg", "curses", "socket", "asyncio")
    assert [m for m in loaded if m.split(".")[0] in forbidden] == []

"""What runs in a student's process before `play`: the scenario picker, the argv, and the
local save seeded from the results store so that `play --resume` carries on from it."""

from __future__ import annotations

import argparse
import asyncio
import shutil
from pathlib import Path

import pytest

from trustsim.engine import Session
from trustsim.loader import load_scenario
from trustsim.saves import SaveStore
from trustsim.serve.picker import Picker, pick
from trustsim.serve.player import (
    WARM_LIBRARY_ENV,
    WARM_SCENARIO_ENV,
    parse,
    play_argv,
    seed_local_save,
    warm_up,
    wire_results_journal,
)
from trustsim.store import open_store
from trustsim.store.classroom import ResultsJournal

from .conftest import SCENARIO


def args_for(tmp_path: Path, student: str = "alice") -> argparse.Namespace:
    return parse(["--scenario", str(SCENARIO), "--mode", "assess", "--student", student,
                  "--results", str(tmp_path / "class.sqlite3")])


def test_play_argv() -> None:
    args = parse(["--scenario", "/x.toml", "--student", "bo", "--results", "sqlite:///r"])
    assert play_argv(Path("/x.toml"), args) == [
        "play", "/x.toml", "--mode", "coach", "--student", "bo", "--results", "sqlite:///r"]
    assert play_argv(Path("/x.toml"), args, resume=True)[-1] == "--resume"


def test_the_local_save_follows_the_results_store(tmp_path: Path) -> None:
    args = args_for(tmp_path)
    assert seed_local_save(SCENARIO, args) is False  # nothing played yet

    store = open_store(args.results)
    session = Session(load_scenario(SCENARIO))
    journal = ResultsJournal(store, "alice", "assess")
    journal.started(session)
    journal.chose(session, session.choose(2))
    assert seed_local_save(SCENARIO, args) is True
    saved = SaveStore().read("serve-test").play
    assert saved is not None and [(s.node, s.index) for s in saved.steps] == [("one", 1)]
    assert saved.mode == "assess"

    # Finished in the store (perhaps on another server): no stale local play is offered.
    journal.chose(session, session.choose(1))
    journal.chose(session, session.choose(1))
    journal.finished(session)
    assert seed_local_save(SCENARIO, args) is False
    assert SaveStore().read("serve-test").play is None
    store.close()


def test_play_gets_the_results_journal(tmp_path: Path) -> None:
    from trustsim.commands import play as play_command

    original = play_command.extra_journals
    try:
        wire_results_journal()
        wire_results_journal()  # twice is once
        journals = play_command.extra_journals(args_for(tmp_path))
        assert [type(j).__name__ for j in journals].count("ResultsJournal") == 1
        assert play_command.extra_journals(argparse.Namespace(student=None, results=None,
                                                              mode=None)) == []
    finally:
        play_command.extra_journals = original


def test_one_scenario_needs_no_picker(tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    folder.mkdir()
    shutil.copy(SCENARIO, folder)
    assert pick([folder], "alice") == folder / SCENARIO.name
    assert pick([tmp_path / "empty"], "alice") is None


def test_the_picker_offers_the_library(tmp_path: Path) -> None:
    second = tmp_path / "second.toml"
    second.write_text(SCENARIO.read_text().replace('id = "serve-test"', 'id = "second"')
                      .replace('title = "Serve Test"', 'title = "Second [b]One[/b]"'))
    scenarios = [load_scenario(SCENARIO), load_scenario(second)]

    async def run() -> Path | None:
        app = Picker(scenarios, "alice\x1b[31m")
        async with app.run_test(size=(90, 24)) as pilot:
            greeting = str(app.query_one("#greeting").render())
            assert "alice\\x1b[31m" in greeting
            await pilot.press("down", "enter")
        return app.return_value

    assert asyncio.run(run()) == second


def test_the_warm_up_keeps_the_class_library_checked(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The zygote checks the students' library once; each student's process (a fork) then
    finds it checked, and an edit made during the class is still seen."""
    import trustsim.loader
    from trustsim.loader import check_file
    from trustsim.paths import bundled_scenarios

    monkeypatch.setattr(trustsim.loader, "_kept", {})
    # The warm-up shares parsed CSS through Textual's Stylesheet: undone after this test.
    from textual.css.stylesheet import Stylesheet

    monkeypatch.setattr(Stylesheet, "_parse_rules", Stylesheet._parse_rules)
    library = tmp_path / "library"
    library.mkdir()
    for path in sorted(bundled_scenarios().glob("*.toml"))[:2]:
        shutil.copyfile(path, library / path.name)
    monkeypatch.setenv(WARM_LIBRARY_ENV, str(library))
    monkeypatch.delenv(WARM_SCENARIO_ENV, raising=False)
    monkeypatch.setenv("TRUSTSIM_HOME", str(tmp_path / "home"))
    warm_up()
    files = sorted(library.glob("*.toml"))
    kept = [check_file(path) for path in files]
    assert all(result.ok for result in kept)
    assert all(again is first for again, first in zip(map(check_file, files), kept, strict=True))
    edited = files[0].read_text(encoding="utf-8") + "\n# edited during the class\n"
    files[0].write_text(edited, encoding="utf-8")
    assert check_file(files[0]) is not kept[0]

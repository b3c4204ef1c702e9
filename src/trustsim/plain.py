"""Plain line mode: the same engine with numbered text on stdout and a number per line on stdin.

For screen readers, dumb terminals and scripts: no cursor movement, no colour, no glyph art;
every line means what it says when read aloud. Works with no terminal at all.
"""

from __future__ import annotations

import textwrap
import unicodedata
from collections.abc import Iterable
from typing import TextIO

from trustsim.engine import PlayError, Session
from trustsim.journal import Journal
from trustsim.saves import ResumeCheck, ResumeStatus, SaveError, replay
from trustsim.scoring import SCORE_NAMES
from trustsim.transcript import Kind, Said, conversation, moment, tag_label, tag_notes

WIDTH = 78


def printable(text: str) -> str:
    """Scenario text with any control character shown as an escape, never obeyed."""
    if text.isprintable():
        return text
    return "".join(c if c in "\n\t" or unicodedata.category(c) != "Cc"
                   else c.encode("unicode_escape").decode("ascii") for c in text)


def wrap(text: str, indent: str = "", hanging: str | None = None) -> str:
    paragraphs = printable(text).split("\n")
    return "\n".join(
        textwrap.fill(p, WIDTH, initial_indent=indent,
                      subsequent_indent=indent if hanging is None else hanging,
                      break_on_hyphens=False) if p.strip() else ""
        for p in paragraphs)


def said_text(said: Said) -> str:
    if said.kind is Kind.ENDING:
        return f"The end: {printable(said.title or '')}\n\n{wrap(said.text)}"
    if said.kind is Kind.FEEDBACK:
        return wrap(f"Coach: {said.text}")
    if said.speaker:
        return wrap(f"{said.speaker}: {said.text}")
    return wrap(said.text)


def meters_line(session: Session) -> str:
    tally = session.tally
    history = session.history
    before = history[-2].after.tally if len(history) > 1 else Session(session.scenario).tally

    def part(name: str, now: float, then: float) -> str:
        change = round(now) - round(then)
        delta = f" ({change:+d})" if history and change else ""
        return f"{name} {round(now)}{delta}"

    return " · ".join((part("Trust", tally.trust, before.trust),
                       part("Hurt", tally.hurt, before.hurt),
                       part("Uncertainty", tally.uncertainty, before.uncertainty)))


def debrief_text(session: Session, mode: str = "coach") -> str:
    report = session.report()
    lines = ["", "== Debrief =="]
    ending = session.ending
    if ending is not None:
        lines.append(f"Ending: {printable(ending.ending or '')}")
    lines += ["", "Scores (out of 100):"]
    lines += [f"  {name}: {report.scores[name]}" for name in SCORE_NAMES]
    lines.append(f"  mixed signals: {report.mixed_signals}")
    lines += ["", "Over the turns (start, then after each choice):"]
    for name, values in (("trust", report.trust), ("hurt", report.hurt),
                         ("uncertainty", report.uncertainty)):
        lines.append(f"  {name}: " + ", ".join(f"{v:.0f}" for v in values))
    lines += ["", "Your choices:"]
    for turn, step in enumerate(session.history, start=1):
        lines.append(wrap(f"{turn}. You: {step.choice.text}", "  ", "     "))
        if step.choice.feedback:
            lines.append(wrap(f"Coach: {step.choice.feedback}", "     "))
        for tag, dimension, delta, reason in tag_notes(report, turn - 1):
            lines.append(wrap(f"{tag_label(tag)}, {dimension} {delta:+.0f}: {reason}", "     "))
    if not session.history:
        lines.append("  No choices were made.")
    return "\n".join(lines)


class PlainPlay:
    """One play in line mode."""

    def __init__(self, session: Session, journal: Journal, mode: str, stdin: TextIO,
                 stdout: TextIO, resume_hint: str = "") -> None:
        self.session = session
        self.journal = journal
        self.mode = mode
        self.stdin = stdin
        self.stdout = stdout
        self.resume_hint = resume_hint

    @property
    def coach(self) -> bool:
        return self.mode == "coach"

    def say(self, text: str = "") -> None:
        print(text, file=self.stdout, flush=True)

    def ask(self, prompt: str) -> str | None:
        """One line of input, or None at the end of input."""
        self.stdout.write(prompt)
        self.stdout.flush()
        line = self.stdin.readline()
        if not line:
            self.say()
            return None
        return line.strip()

    def show(self, lines: Iterable[Said]) -> None:
        for said in lines:
            self.say(said_text(said))
            self.say()

    def ask_resume(self, check: ResumeCheck) -> bool:
        """Whether to replay the saved play; asks when the scenario file has changed."""
        self.say(wrap(check.explanation))
        if not check.can_replay:
            self.say()
            return False
        if check.status is ResumeStatus.SAME:
            self.say()
            return True
        self.say("  1. Replay my choices in the new version")
        self.say("  2. Start again")
        while True:
            answer = self.ask("Choose 1 or 2: ")
            if answer is None or answer.lower() in ("q", "quit"):
                raise KeyboardInterrupt
            if answer in ("1", "2"):
                self.say()
                return answer == "1"
            self.say(f'"{printable(answer)}" is not one of the choices. Type 1 or 2.')

    def resume(self, check: ResumeCheck) -> None:
        if self.ask_resume(check):
            try:
                replay(self.session, check.play)
            except SaveError as error:
                self.say(f"The saved play could not be replayed ({error}); starting again.")
                self.session.restart()

    def run(self) -> int:
        session = self.session
        scenario = session.scenario
        self.say(printable(scenario.title))
        self.say("=" * min(WIDTH, len(scenario.title)))
        keys = "Type a choice's number and press Enter"
        keys += ", u to take back your last choice" if self.coach else ""
        self.say(wrap(f"With {scenario.partner.name}. {self.mode.capitalize()} mode. {keys}, "
                      "q to stop (your play is saved)."))
        self.say()
        self.journal.started(session)
        # A resumed play shows what was said so far, so the player knows where they are.
        self.show(conversation(session, self.coach) if session.history else moment(session))
        while not session.is_over:
            offers = session.offers()
            if not offers:
                self.say("No choice is available here: the scenario has no way on from "
                         "this point.")
                return 1
            for offer in offers:
                self.say(wrap(f"{offer.number}. {offer.choice.text}", "  ", "     "))
            undo = ", u undo" if self.coach and session.history else ""
            while True:
                answer = self.ask(f"Your choice (1-{len(offers)}{undo}, q quit): ")
                if answer is None or answer.lower() in ("q", "quit"):
                    self.say(f"Stopped. Your play is saved{self.resume_hint}.")
                    return 0
                if undo and answer.lower() in ("u", "undo"):
                    step = session.undo()
                    self.journal.undid(session)
                    self.say(wrap(f"Took back: {step.choice.text}" if step else ""))
                    self.say()
                    self.show(moment(session, self.coach))
                    break
                if answer.isdigit() and 1 <= int(answer) <= len(offers):
                    self.say()
                    try:
                        step = session.choose(int(answer))
                    except PlayError as error:
                        # A scenario whose routes fail at run time: say so, keep the save.
                        self.say(f"The scenario cannot go on from here: {error}.")
                        return 1
                    self.journal.chose(session, step)
                    if session.is_over:
                        self.journal.finished(session)
                    self.show(moment(session, self.coach))
                    if self.coach:
                        self.say(meters_line(session))
                        self.say()
                    break
                self.say(f'"{printable(answer)}" is not a choice here. Type a number from 1 '
                         f"to {len(offers)}{', or u to undo' if undo else ''}, or q to quit.")
        self.say(debrief_text(session, self.mode))
        return 0

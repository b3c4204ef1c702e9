"""What one class server allows, and what a student is told when a limit is reached.

asyncssh has no idle time-out and no failed-login limit of its own: the server counts failed
logins per address here and times idleness itself. Defaults suit a class of up to a hundred
behind one school NAT, where every student shares one address: a few mistyped class codes must
not lock the whole room out, while a guessing script still gets nowhere fast.
"""

from __future__ import annotations

import time
from collections import deque

from attrs import define, field, frozen


@frozen
class Limits:
    #: Students playing at once on this server.
    max_sessions: int = 100
    #: Failed logins from one address within `failure_window` seconds before it is shut out.
    max_failed_logins: int = 20
    failure_window: float = 600.0
    #: How long an address stays shut out.
    block_time: float = 300.0
    #: A session with no key pressed for this long is closed (its choices are kept).
    idle_time: float = 20 * 60.0
    #: The longest a session may last.
    session_time: float = 3 * 3600.0
    #: Time to log in once connected.
    login_time: float = 60.0
    #: How long a process has to end after SIGHUP before it is killed.
    hangup_grace: float = 2.0


def minutes(seconds: float) -> str:
    whole = max(1, round(seconds / 60))
    return "1 minute" if whole == 1 else f"{whole} minutes"


def class_full(limits: Limits) -> str:
    return (f"The class is full: {limits.max_sessions} students are playing on this server. "
            "Try again in a few minutes, or ask your instructor.")


def too_many_failures(wait: float) -> str:
    return (f"Too many failed logins from your address. Wait {minutes(wait)}, then try again "
            "with the class code your instructor gave you.")


def idle(limits: Limits) -> str:
    return (f"Closed after {minutes(limits.idle_time)} without a key press. Your choices are "
            "saved: connect again to carry on where you left off.")


def too_long(limits: Limits) -> str:
    return (f"Closed: sessions last at most {minutes(limits.session_time)}. Your choices are "
            "saved: connect again to carry on where you left off.")


TAKEN_OVER = ("You connected again from somewhere else, so this window is closed. "
              "Your choices are saved.")
SERVER_STOPPING = ("The class server is stopping. Your choices are saved: connect again when "
                   "it is back to carry on.")
NEEDS_TERMINAL = ("trustsim: this server runs an interactive scenario and needs a terminal: "
                  "connect with plain `ssh` (not `ssh -T`, not from a script).")
NO_COMMANDS = ("trustsim: this server runs no commands, only the class scenario: connect with "
               "plain `ssh` and no command after the host.")
COULD_NOT_START = ("The class server could not start your session. Try again in a moment; "
                   "if it keeps happening, tell your instructor.")
BAD_NAME = ("trustsim: your login name is your name in the class: use one of 1-64 "
            "characters, e.g. `ssh -p PORT alex@HOST`.")


@define
class FailedLogins:
    """Failed logins per address, in a sliding window."""

    limits: Limits
    _failures: dict[str, deque[float]] = field(factory=dict, init=False)
    _blocked_until: dict[str, float] = field(factory=dict, init=False)

    def blocked_for(self, address: str, now: float | None = None) -> float:
        """Seconds the address must still wait (0: it may try)."""
        now = time.monotonic() if now is None else now
        until = self._blocked_until.get(address, 0.0)
        if until <= now:
            self._blocked_until.pop(address, None)
            return 0.0
        return until - now

    def failed(self, address: str, now: float | None = None) -> float:
        """Counts a failure; returns how long the address is now shut out (0: not yet)."""
        now = time.monotonic() if now is None else now
        recent = self._failures.setdefault(address, deque())
        recent.append(now)
        while recent and recent[0] < now - self.limits.failure_window:
            recent.popleft()
        if len(recent) >= self.limits.max_failed_logins:
            self._blocked_until[address] = now + self.limits.block_time
            recent.clear()
            return self.limits.block_time
        return 0.0

    def succeeded(self, address: str) -> None:
        """A good login does not wipe the address's count: on a shared school address, one
        student's success must not reset a guessing script's tally."""

    def forget_old(self, now: float | None = None) -> None:
        """Drops addresses with nothing recent (a long-running server meets many)."""
        now = time.monotonic() if now is None else now
        for address in [a for a, d in self._failures.items()
                        if not d or d[-1] < now - self.limits.failure_window]:
            del self._failures[address]

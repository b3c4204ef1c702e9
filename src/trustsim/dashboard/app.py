"""The instructor's live view: who is playing, where each student is, how the class chooses.

It polls the results store's `revision()` (one cheap query) and rebuilds the tables only
when something was written. Everything shown that a student or an author wrote goes through
`one_line` and into `rich.text.Text`: a name full of escapes is shown, never obeyed, and
never read as markup.
"""

from __future__ import annotations

import time
from typing import ClassVar

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Footer, Static

from trustsim.store import ResultsStore, display_url
from trustsim.store.report import ClassReport, OptionRow, StudentRow, build_report
from trustsim.store.safe import one_line

BAR_WIDTH = 12


def bar(share: float) -> Text:
    filled = round(max(0.0, min(1.0, share)) * BAR_WIDTH)
    text = Text("█" * filled, style="green")
    text.append("░" * (BAR_WIDTH - filled), style="dim")
    return text


def ago(seconds: float, now: float) -> str:
    delta = max(0, int(now - seconds))
    if delta < 60:
        return f"{delta}s"
    if delta < 3600:
        return f"{delta // 60}m"
    return f"{delta // 3600}h"


class Dashboard(App[None]):
    CSS_PATH = "dashboard.tcss"
    TITLE = "trustsim dashboard"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit"),
        Binding("r", "refresh_now", "Refresh"),
        Binding("a", "toggle_names", "Names/pseudonyms"),
    ]

    def __init__(self, store: ResultsStore, *, scenario: str | None = None,
                 anonymize: bool = False, interval: float = 1.0) -> None:
        super().__init__()
        self.store = store
        self.scenario = scenario
        self.anonymize = anonymize
        self.interval = interval
        self._revision: tuple[float, ...] | None = None
        self.report: ClassReport | None = None
        self.online: set[str] = set()
        self.refreshes = 0

    def compose(self) -> ComposeResult:
        yield Static(id="summary")
        yield Static("Students", classes="section-title")
        students: DataTable[Text | str] = DataTable(id="students", zebra_stripes=True,
                                                    cursor_type="row")
        yield students
        yield Static("How the class is choosing (latest attempts)", classes="section-title")
        choices: DataTable[Text | str] = DataTable(id="choices", zebra_stripes=True,
                                                   cursor_type="row")
        yield choices
        yield Footer()

    def on_mount(self) -> None:
        students = self.query_one("#students", DataTable)
        students.add_columns("", "student", "scenario", "where", "choices", "overall",
                             "trust", "active")
        choices = self.query_one("#choices", DataTable)
        choices.add_columns("scenario", "node", "#", "chosen", "", "choice")
        self.poll()
        self.set_interval(self.interval, self.poll)

    # -- reading the store ----------------------------------------------------------------------

    def poll(self) -> None:
        self.run_worker(self._load, thread=True, exclusive=True, group="poll")

    def _load(self) -> None:
        """In a worker thread: the store may be a database across the network."""
        try:
            revision = self.store.revision()
            if revision == self._revision:
                return
            report = build_report(self.store, scenario=self.scenario,
                                  anonymize=self.anonymize)
            connections = self.store.connections(online_only=True)
        except Exception as error:  # the store is down: say so, keep the last view
            self.call_from_thread(self._failed, str(error))
            return
        shown = report.names
        online = {shown.get(c.student, c.student) if self.anonymize else c.student
                  for c in connections}
        self._revision = revision
        self.call_from_thread(self._show, report, online)

    def _failed(self, message: str) -> None:
        self.query_one("#summary", Static).update(
            Text(f"Cannot read the results: {one_line(message, 200)}", style="bold red"))

    # -- showing --------------------------------------------------------------------------------

    def _show(self, report: ClassReport, online: set[str]) -> None:
        self.report, self.online = report, online
        self.refreshes += 1
        now = time.time()
        finished = sum(row.finished for row in report.students)
        summary = Text(f"{display_url(self.store.url)}", style="dim")
        summary.append(f"  ·  {len(online)} connected  ·  {len(report.students)} plays  ·  "
                       f"{finished} finished  ·  updated {time.strftime('%H:%M:%S')}")
        self.query_one("#summary", Static).update(summary)
        self._fill(self.query_one("#students", DataTable),
                   [self._student_cells(row, now) for row in self._ordered(report.students)])
        self._fill(self.query_one("#choices", DataTable),
                   [self._option_cells(row) for row in report.options])

    def _ordered(self, rows: tuple[StudentRow, ...]) -> list[StudentRow]:
        # Connected students first, the most recently active at the top.
        return sorted(rows, key=lambda r: (r.student not in self.online, -r.updated_at))

    def _student_cells(self, row: StudentRow, now: float) -> list[Text | str]:
        here = row.student in self.online
        where = (Text(f"ended: {one_line(row.ending or '', 30)}", style="green")
                 if row.finished else Text(f"at {one_line(row.node, 30)}"))
        overall = row.scores.get("overall")
        return [
            Text("●", style="green") if here else Text("○", style="dim"),
            Text(one_line(row.student, 32)),
            Text(one_line(row.scenario, 28)),
            where,
            str(row.choices),
            "-" if overall is None else str(overall),
            "-" if row.trust is None else f"{row.trust:.0f}",
            ago(row.updated_at, now),
        ]

    def _option_cells(self, row: OptionRow) -> list[Text | str]:
        return [Text(one_line(row.scenario, 24)), Text(one_line(row.node, 20)),
                str(row.option), f"{row.count}/{row.reached}", bar(row.share),
                Text(one_line(row.text, 80))]

    def _fill(self, table: DataTable[Text | str], rows: list[list[Text | str]]) -> None:
        cursor = table.cursor_row
        table.clear()
        for cells in rows:
            table.add_row(*cells)
        if rows:
            table.move_cursor(row=min(cursor, len(rows) - 1))

    # -- actions --------------------------------------------------------------------------------

    def action_refresh_now(self) -> None:
        self._revision = None
        self.poll()

    def action_toggle_names(self) -> None:
        self.anonymize = not self.anonymize
        self.action_refresh_now()

"""The class report as text: aligned tables for the terminal, CSV and JSON for other tools.

Everything that came from a student or a scenario file passes through `trustsim.store.safe`
on its way out, whatever the format.
"""

from __future__ import annotations

import csv
import io
import json
import time
import unicodedata
from collections.abc import Sequence

from trustsim.store.report import SCORE_ORDER, ClassReport, OptionRow, StudentRow, iso_time
from trustsim.store.safe import json_text, one_line

SHORT_SCORES = {"accountability": "acc", "consistency": "con", "respect": "res",
                "overall": "overall"}


def cell_width(text: str) -> int:
    """Columns a string takes in a terminal: wide East Asian characters take two, combining
    marks none."""
    width = 0
    for char in text:
        if unicodedata.combining(char):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def fit(text: str, width: int) -> str:
    """`text` cut to at most `width` columns (an ellipsis marks the cut)."""
    if cell_width(text) <= width:
        return text
    out, used = "", 0
    for char in text:
        step = cell_width(char)
        if used + step > width - 1:
            break
        out += char
        used += step
    return out + "…"


def render_table(headers: Sequence[str], rows: Sequence[Sequence[str]],
                 right: Sequence[int] = ()) -> str:
    widths = [cell_width(h) for h in headers]
    for row in rows:
        widths = [max(w, cell_width(c)) for w, c in zip(widths, row, strict=True)]

    def line(cells: Sequence[str]) -> str:
        parts = []
        for i, (cell, width) in enumerate(zip(cells, widths, strict=True)):
            pad = " " * (width - cell_width(cell))
            parts.append(pad + cell if i in right else cell + pad)
        return "  ".join(parts).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(headers), rule, *(line(r) for r in rows)])


def _ago(seconds: float, now: float) -> str:
    delta = max(0, int(now - seconds))
    if delta < 60:
        return f"{delta}s ago"
    if delta < 3600:
        return f"{delta // 60}m ago"
    if delta < 86400:
        return f"{delta // 3600}h ago"
    return time.strftime("%Y-%m-%d", time.localtime(seconds))


def status_of(row: StudentRow) -> str:
    if row.finished:
        return f"ended: {one_line(row.ending or row.ending_node or '', 28)}"
    return f"at {one_line(row.node, 24)}"


def students_table(rows: Sequence[StudentRow], now: float | None = None) -> str:
    now = time.time() if now is None else now
    headers = ["student", "scenario", "try", "status", *(SHORT_SCORES[s] for s in SCORE_ORDER),
               "trust", "choices", "active"]
    body = []
    for row in rows:
        scores = [str(row.scores[s]) if s in row.scores else "-" for s in SCORE_ORDER]
        body.append([
            fit(one_line(row.student), 24), fit(one_line(row.scenario), 24),
            f"{row.attempt}/{row.attempts}", status_of(row), *scores,
            "-" if row.trust is None else f"{row.trust:.0f}", str(row.choices),
            _ago(row.updated_at, now),
        ])
    return render_table(headers, body, right=range(4, 10))


def options_table(rows: Sequence[OptionRow]) -> str:
    headers = ["scenario", "node", "#", "choice", "chosen", "share"]
    body = [[fit(one_line(r.scenario), 24), fit(one_line(r.node), 20), str(r.option),
             fit(one_line(r.text), 48), f"{r.count}/{r.reached}",
             f"{r.share * 100:.0f}%" if r.reached else "-"] for r in rows]
    return render_table(headers, body, right=(2, 4, 5))


def as_table(report: ClassReport, by: str) -> str:
    parts = []
    if by in ("student", "both"):
        finished = sum(r.finished for r in report.students)
        parts.append(f"Students: {len(report.students)} ({finished} finished)\n\n"
                     + (students_table(report.students) if report.students
                        else "No plays recorded yet."))
    if by in ("node", "both"):
        parts.append("Choices by node (latest attempt of each student)\n\n"
                     + (options_table(report.options) if report.options
                        else "No choices recorded yet."))
    return "\n\n".join(parts) + "\n"


STUDENT_COLUMNS = ("student", "scenario", "title", "mode", "attempt", "attempts", "finished",
                   "ending_node", "ending", "node", *SCORE_ORDER, "trust", "choices",
                   "started_at", "updated_at", "finished_at")
OPTION_COLUMNS = ("scenario", "node", "option", "text", "tags", "count", "reached", "share")


def _csv_cell(value: object) -> str:
    text = "" if value is None else str(value)
    text = one_line(text) if isinstance(value, str) else text
    # A cell that starts like a formula runs as one in a spreadsheet (CSV injection).
    if text[:1] in ("=", "+", "-", "@") and not _is_number(text):
        text = "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def as_csv(report: ClassReport, by: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    if by == "node":
        writer.writerow(OPTION_COLUMNS)
        for o in report.options:
            writer.writerow([_csv_cell(v) for v in (
                o.scenario, o.node, o.option, o.text, " ".join(o.tags), o.count, o.reached,
                round(o.share, 4))])
        return out.getvalue()
    writer.writerow(STUDENT_COLUMNS)
    for s in report.students:
        writer.writerow([_csv_cell(v) for v in (
            s.student, s.scenario, s.title, s.mode, s.attempt, s.attempts,
            "yes" if s.finished else "no", s.ending_node, s.ending, s.node,
            *(s.scores.get(k) for k in SCORE_ORDER),
            None if s.trust is None else round(s.trust, 2), s.choices,
            iso_time(s.started_at), iso_time(s.updated_at),
            None if s.finished_at is None else iso_time(s.finished_at))])
    return out.getvalue()


def as_json(report: ClassReport, by: str) -> str:
    document: dict[str, object] = {}
    if by in ("student", "both"):
        document["students"] = [row.to_json() for row in report.students]
    if by in ("node", "both"):
        document["nodes"] = [row.to_json() for row in report.options]
    return json_text(json.dumps(document, indent=2, ensure_ascii=False)) + "\n"

"""Run one prepared hand-in inside the sandbox and write what happened as JSON lines.

    python runner.py NOTEBOOK EVENTS CELL_TIMEOUT MAX_OUTPUT EXPORT_CELLS

Started by edition/grade/sandbox.py, inside the sandbox, beside the student's kernel: it uses
nothing of the edition package (it is not on its path), only nbclient. It keeps no outputs but
the answers the grader's export cells show (edition/checks/answers.py) and the errors of the
student's cells, and writes each as one line as soon as it happens, so a hand-in that is killed
at its time limit still leaves the lines written before. It decides nothing: the grader reads
the lines as untrusted data and runs the checks itself.
"""
from __future__ import annotations

import json
import sys

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError

MIME = "application/vnd.edition.answers+json"


class TooMuchOutput(Exception):
    pass


class Runner(NotebookClient):
    def __init__(self, nb, events, export_cells: set[int], max_output: int, **kw):
        super().__init__(nb, **kw)
        self.events, self.export_cells, self.max_output, self.printed = events, export_cells, max_output, 0
        self.running = None
        self.on_cell_start = self._started

    def emit(self, **event) -> None:
        self.events.write(json.dumps(event) + "\n")
        self.events.flush()

    def _started(self, cell, cell_index, **_):
        self.running = cell_index
        self.emit(event="cell", cell=cell_index)

    # nbclient 0.11 has no public hook for a cell running out of time: it calls this private method
    # (tests/test_internals.py fails if it stops doing so). The one reach into a package's internals
    # kept outside edition/sphinx/book/internals.py: this file runs in the sandbox, without the edition package.
    async def _async_handle_timeout(self, timeout, cell=None):
        self.emit(event="timeout", cell=self.running, seconds=timeout)  # interrupted; a cell that ignores it is killed by the grader
        return await super()._async_handle_timeout(timeout, cell)

    def output(self, outs, msg, display_id, cell_index):
        kind, content = msg["msg_type"], msg["content"]
        if kind == "error":
            self.emit(event="error", cell=cell_index, ename=str(content.get("ename", ""))[:200],
                      evalue=str(content.get("evalue", ""))[:500])
        elif kind in ("display_data", "execute_result"):
            data = content.get("data", {})
            if cell_index in self.export_cells and MIME in data:
                self.emit(event="answers", cell=cell_index, payload=data[MIME])
            self.printed += sum(len(str(v)) for v in data.values())
        elif kind == "stream":
            self.printed += len(content.get("text", ""))
        if self.printed > self.max_output:
            raise TooMuchOutput()
        return None  # no output is kept: the grader needs none of it


def main(argv: list[str]) -> int:
    notebook, events_path, cell_timeout, max_output, exports = argv
    nb = nbformat.read(notebook, as_version=4)
    with open(events_path, "a", encoding="utf-8") as events:
        runner = Runner(nb, events, {int(i) for i in exports.split(",") if i}, int(max_output),
                        timeout=int(cell_timeout), kernel_name="python3", allow_errors=True,
                        interrupt_on_timeout=True, resources={"metadata": {"path": "."}})
        try:
            runner.execute()
            runner.emit(event="done")
        except TooMuchOutput:
            runner.emit(event="stopped", why="output", limit=int(max_output))
        except CellTimeoutError:
            runner.emit(event="stopped", why="timeout")
        except DeadKernelError:
            runner.emit(event="stopped", why="kernel died")
        except Exception as error:  # whatever the notebook does, the grader gets one line
            runner.emit(event="stopped", why=f"{type(error).__name__}: {str(error)[:300]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

#!/usr/bin/env python3
"""Import a .qdpx with QualCoder's own REFI-QDA import, headless, and print
what QualCoder then holds: its import log, its message boxes, the documents,
the code tree and the codes of every coded segment.

Not a runtime dependency of glossator: a check of `gloss export --format qdpx`
against a real client (see tests/data/refi-qda/README.md).

    QT_QPA_PLATFORM=offscreen python3 qualcoder_import.py QUALCODER_SRC FILE.qdpx [--json]

QUALCODER_SRC is a checkout of https://github.com/ccbogel/QualCoder (the folder
holding `src/qualcoder`). Needs PyQt6 and QualCoder's import-time dependencies
(pymupdf, Pillow; libpulse0 for QtMultimedia). The project is created the way
QualCoder's `new_project` creates it: its CREATE TABLE statements are read from
QualCoder's own source, so the constraints (one coding per code, coder and
span) are QualCoder's. The file dialogs and message boxes are replaced so
nothing waits for a click; everything else runs as in the application.
"""

import ast
import builtins
import json
import os
import shutil
import sqlite3
import sys
import tempfile
from pathlib import Path
from types import SimpleNamespace


def create_tables(main_py: Path, conn: sqlite3.Connection) -> int:
    """Run the CREATE TABLE statements of QualCoder's MainWindow.new_project."""
    tree = ast.parse(main_py.read_text(encoding="utf-8"))
    count = 0
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name == "new_project":
            for call in ast.walk(node):
                if (
                    isinstance(call, ast.Call)
                    and isinstance(call.func, ast.Attribute)
                    and call.func.attr == "execute"
                    and call.args
                    and isinstance(call.args[0], ast.Constant)
                    and isinstance(call.args[0].value, str)
                    and call.args[0].value.lstrip().upper().startswith("CREATE TABLE")
                ):
                    conn.execute(call.args[0].value)
                    count += 1
            break
    conn.commit()
    if count == 0:
        raise SystemExit(f"{main_py}: no CREATE TABLE statements found in new_project")
    return count


class Log:
    """Stands in for the QTextEdit the import writes its progress to."""

    def __init__(self):
        self.lines = []

    def append(self, text):
        self.lines.append(str(text))


def main() -> int:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    as_json = "--json" in sys.argv[1:]
    if len(args) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    src = Path(args[0]) / "src"
    qdpx_in = Path(args[1]).resolve()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.path.insert(0, str(src))
    builtins._ = lambda s: s  # QualCoder installs gettext's _ at start-up

    # QualCoder prints diagnostics to stdout; keep stdout for the report.
    report_out = sys.stdout
    sys.stdout = sys.stderr

    from PyQt6 import QtWidgets

    from qualcoder import refi

    qt = QtWidgets.QApplication([])
    work = Path(tempfile.mkdtemp(prefix="qualcoder-import-"))
    try:
        qdpx = work / qdpx_in.name
        shutil.copyfile(qdpx_in, qdpx)
        project = work / "project.qda"
        (project / "documents").mkdir(parents=True)
        conn = sqlite3.connect(project / "data.qda")
        create_tables(src / "qualcoder" / "__main__.py", conn)
        messages = []

        class Message:
            def __init__(self, app, title, text, icon=None):
                messages.append({"title": title, "text": text, "icon": icon})

            def exec(self):
                return 0

        refi.Message = Message
        refi.QtWidgets.QFileDialog.getOpenFileName = staticmethod(
            lambda *a, **k: (str(qdpx), "(*.qdpx *.QDPX)")
        )
        app = SimpleNamespace(
            conn=conn,
            project_path=str(project),
            settings={"codername": "default", "directory": str(work), "ai_enable": "False"},
            ai_models=None,
            write_config_ini=lambda *a, **k: None,
        )
        log = Log()
        refi.RefiImport(app, log, "qdpx")
        report = describe(conn, project)
        report["log"] = log.lines
        report["messages"] = [m for m in messages if m["title"] != "REFI-QDA Project import"]
        report["documents_copied"] = sorted(p.name for p in (project / "documents").iterdir())
        conn.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
        del qt
    sys.stdout = report_out
    if as_json:
        print(json.dumps(report, ensure_ascii=True, indent=1))
    else:
        print_report(report)
    return 0


def describe(conn: sqlite3.Connection, project: Path) -> dict:
    cur = conn.cursor()
    categories = {
        catid: name for catid, name in cur.execute("select catid, name from code_cat")
    }
    codes = {}
    tree = []
    for cid, name, catid, supercid in cur.execute(
        "select cid, name, catid, supercid from code_name order by cid"
    ):
        codes[cid] = name
        tree.append({"code": name, "category": categories.get(catid), "supercid": supercid})
    sources = [
        {"id": fid, "name": name, "chars": len(text or "")}
        for fid, name, text in cur.execute("select id, name, fulltext from source order by id")
    ]
    segments = {}
    for fid, pos0, pos1, owner, cid, memo, seltext in cur.execute(
        "select fid, pos0, pos1, owner, cid, memo, seltext from code_text"
        " order by fid, pos0, pos1, owner, ctid"
    ):
        key = (fid, pos0, pos1, owner)
        # seltext is what QualCoder shows as the coded text: its source's
        # fulltext at [pos0, pos1), so it tells whether the offsets fit.
        seg = segments.setdefault(key, {"fid": fid, "pos0": pos0, "pos1": pos1, "owner": owner,
                                        "codes": [], "memo": memo, "seltext": seltext})
        seg["codes"].append(codes.get(cid, f"<no code: cid {cid}>"))
    annotations = cur.execute("select count(*) from annotation").fetchone()[0]
    return {
        "sources": sources,
        "categories": sorted(categories.values()),
        "codes": tree,
        "segments": list(segments.values()),
        "annotations": annotations,
    }


def print_report(r: dict) -> None:
    print("== QualCoder import log")
    for line in r["log"]:
        print("  " + line.replace("\n", "\n  "))
    print("== message boxes (other than the closing 'experimental' notice)")
    for m in r["messages"]:
        print(f"  [{m['icon']}] {m['title']}: {m['text']}")
    print("== documents")
    for s in r["sources"]:
        print(f"  {s['id']}: {s['name']} ({s['chars']} characters)")
    print("  copied into documents/: " + ", ".join(r["documents_copied"]))
    print("== code tree")
    for c in r["codes"]:
        print(f"  {c['category'] or '-'} / {c['code']}")
    print("== coded segments (document, span, coder: codes)")
    for s in r["segments"]:
        print(f"  {s['fid']} [{s['pos0']}, {s['pos1']}) {s['owner']}: " + " | ".join(s["codes"]))
        print(f"      “{s['seltext']}”")


if __name__ == "__main__":
    sys.exit(main())

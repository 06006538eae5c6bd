"""Make labels.pdf: memo.pdf with page labels (/PageLabels in its catalog),
pages 1-2 numbered i, ii (front matter) and page 3 numbered A-1, as a book
would number them. Needs qpdf (qpdf, fix-qdf). Run from this folder:

    python3 labels.py
"""
import subprocess
import tempfile
from pathlib import Path

LABELS = b"/PageLabels << /Nums [ 0 << /S /r >> 2 << /S /D /P (A-) /St 1 >> ] >>\n  /Type /Catalog"

with tempfile.TemporaryDirectory() as tmp:
    qdf = Path(tmp) / "memo.qdf"
    subprocess.run(["qpdf", "--qdf", "--object-streams=disable", "memo.pdf", str(qdf)], check=True)
    data = qdf.read_bytes()
    assert data.count(b"/Type /Catalog") == 1
    edited = Path(tmp) / "labels.qdf"
    edited.write_bytes(data.replace(b"/Type /Catalog", LABELS))
    fixed = Path(tmp) / "fixed.qdf"
    with open(fixed, "wb") as out:
        subprocess.run(["fix-qdf", str(edited)], stdout=out, check=True)
    subprocess.run(["qpdf", "--deterministic-id", "--object-streams=generate", str(fixed), "labels.pdf"], check=True)

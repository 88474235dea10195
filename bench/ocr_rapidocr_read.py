"""Read saved label photos with RapidOCR (ONNX models shipped inside its wheel), for comparison.

Not a project dependency: run it in a scratch virtualenv, without network, on the photos that
`bench/ocr_labels.py --save DIR` wrote, then score its output with `--score-texts`:

    python3 -m venv /tmp/rapid && /tmp/rapid/bin/pip install rapidocr-onnxruntime
    .venv/bin/python bench/ocr_labels.py --n 20 --save /tmp/labels > /dev/null
    OMP_NUM_THREADS=1 unshare -n /tmp/rapid/bin/python bench/ocr_rapidocr_read.py /tmp/labels \\
        > /tmp/rapid.jsonl
    .venv/bin/python bench/ocr_labels.py --n 20 --score-texts /tmp/rapid.jsonl
"""

import json
import resource
import sys
import time
from pathlib import Path

from rapidocr_onnxruntime import RapidOCR  # type: ignore[import-not-found]

engine = RapidOCR(intra_op_num_threads=1, inter_op_num_threads=1)
for photo in sorted(Path(sys.argv[1]).glob("*.jpg")):
    wall = time.perf_counter()
    cpu = resource.getrusage(resource.RUSAGE_SELF).ru_utime
    result, _ = engine(photo.read_bytes())
    lines = [text for _, text, _ in (result or [])]
    confidences = [float(score) for _, _, score in (result or [])]
    print(
        json.dumps(
            {
                "photo": photo.name,
                "text": " ".join(lines),
                "confidence": sum(confidences) / max(len(confidences), 1),
                "wall_s": time.perf_counter() - wall,
                "cpu_s": resource.getrusage(resource.RUSAGE_SELF).ru_utime - cpu,
            }
        )
    )

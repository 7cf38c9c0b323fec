"""PDF rendering of a 3-page Chinese document (WeasyPrint, subset CJK font).

    .venv/bin/python bench/bench_pdf.py [runs]
"""

import io
import statistics
import sys
import time

from _django import setup

setup()

import pypdf  # noqa: E402

from seedreg.documents.pdf import render_pdf  # noqa: E402
from seedreg.documents.qr import qr_svg_data_uri  # noqa: E402

PARAGRAPH = ("根据《中华人民共和国种子法》第四十九条和《农作物种子质量监督抽查管理办法》，本站对辖区内种子经营者开展"
             "春季种子质量监督抽查。请各经营者备齐营业执照、种子生产经营许可证或备案回执、购销台账和种子标签，"
             "配合执法人员检查和扦样，不得拒绝或者阻碍。")


class Doc:
    title = "关于开展2026年春季种子市场监督检查的通知"
    issued_at = None


def main(runs=10):
    context = {"document": Doc(), "station": {"name": "建平县种子管理站"}, "serial": "建种通〔2026〕第0001号",
               "qr": qr_svg_data_uri("http://127.0.0.1:8000/d/abcdefghijklmnop"), "addressee": "各种子经营者",
               "paragraphs": [PARAGRAPH] * 22, "rows": [(f"检查事项{i}", "营业执照、许可证、备案、台账、标签") for i in range(12)]}
    render_pdf("documents/generic_notice.html", context)  # warm-up: font loading and template compile
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        data = render_pdf("documents/generic_notice.html", context)
        times.append(time.perf_counter() - t)
    pages = len(pypdf.PdfReader(io.BytesIO(data)).pages)
    print(f"pages={pages} size_kb={len(data) / 1024:.0f} runs={runs} "
          f"median_s={statistics.median(times):.3f} min_s={min(times):.3f} max_s={max(times):.3f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10)

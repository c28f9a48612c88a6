"""Rewrites one marked section of bench/RESULTS.md (`<!-- name:start -->` … `<!-- name:end -->`)."""
from pathlib import Path

results = Path("bench/RESULTS.md")


def write_section(name, text):
    marker_start, marker_end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    block = f"{marker_start}\n{text}{marker_end}"
    current = results.read_text() if results.exists() else (
        "# Benchmark results\n\nEach section is rewritten by `make bench`; the figures are from one run on a shared, noisy machine.\n\n")
    if marker_start in current:
        before, rest = current.split(marker_start, 1)
        after = rest.split(marker_end, 1)[1]
        results.write_text(before + block + after)
    else:
        results.write_text(current.rstrip("\n") + "\n\n" + block + "\n")
    print(text)

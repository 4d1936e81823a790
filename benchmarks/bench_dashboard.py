"""Benchmark: what a user of the explorer dashboard feels. In headless Chromium (Playwright, Debian's
/usr/bin/chromium or $STI_CHROMIUM) against `sti-targets explore`'s Voilà server on 127.0.0.1: change
the region filter and time, inside the page, from the change event until the count, the table and the
chart have all changed and the next frame is painted. Prints every time and the median.

    python benchmarks/bench_dashboard.py [--changes 20]

The page load (kernel start, notebook run) is timed too, once.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

from sti_targets.publish.dashboard import start_dashboard, stop_dashboard

CHROMIUM = os.environ.get("STI_CHROMIUM") or "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu"]  # as root in a container
# Region selections in turn: each gives a different count (18, 31, 70, 149), so each change moves
# the count, the table and the chart.
STATES = (["jiangxi"], ["ruijin"], ["changde", "yancheng"], [])
WARM_UP = 2

CHANGE = """async (regions) => {
    const select = [...document.querySelectorAll('.widget-select-multiple')]
        .find(e => e.textContent.includes('地区 region')).querySelector('select');
    const parts = () => [
        document.querySelector('.sti-count')?.textContent,
        document.querySelector('table.sti-table')?.outerHTML ?? '',
        document.querySelector('.sti-counts')?.outerHTML ?? '',
    ];
    const before = parts();
    const labels = regions.map(r => window.stiLabels[r]);
    const start = performance.now();
    for (const option of select.options) option.selected = labels.includes(option.textContent);
    select.dispatchEvent(new Event('input', {bubbles: true}));
    select.dispatchEvent(new Event('change', {bubbles: true}));
    for (;;) {
        await new Promise(r => requestAnimationFrame(r));
        const now = parts();
        if (now.every((p, i) => p !== before[i])) break;
        if (performance.now() - start > 30000) throw new Error('the page did not update within 30 s');
    }
    await new Promise(r => requestAnimationFrame(r));  // the frame showing the change is painted
    return performance.now() - start;
}"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--changes", type=int, default=20, help="filter changes timed (default 20)")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright
    from sti_targets.dataset.loaders import load_regions
    from sti_targets.dataset.vocabulary import region_labels

    labels = region_labels(load_regions()).str.replace(" ", "\u00a0").to_dict()  # the options show no-break spaces
    process, url = start_dashboard(None)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            start = time.perf_counter()
            page.goto(url)
            page.wait_for_selector("table.sti-table", timeout=300_000)
            print(f"page load (kernel start and notebook run): {time.perf_counter() - start:.1f} s", flush=True)
            page.evaluate("(labels) => { window.stiLabels = labels; }", labels)
            times = [page.evaluate(CHANGE, STATES[i % len(STATES)]) for i in range(WARM_UP + args.changes)][WARM_UP:]
            browser.close()
    finally:
        stop_dashboard(process)
    print("filter change to count+table+chart painted (ms):", " ".join(f"{t:.0f}" for t in times))
    print(
        f"median {statistics.median(times):.0f} ms over {len(times)} changes "
        f"(min {min(times):.0f}, max {max(times):.0f}); aim: under 250 ms"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

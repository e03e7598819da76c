"""The HTML report in a real browser: headless Chromium (Debian's chromium + chromium-driver) through Selenium.

Asserts what a reader relies on, at a 1024×700 window: formulas laid out as MathML and no raw TeX outside code,
no number with 9 or more decimals, no horizontal overflow, a link's target lands below the sticky filter bar,
the matrix header sticks, filters and search change what is visible, a click on a node of the dependency graph
shows the claim's statement and status and zoom changes the view, no request leaves the page; saves a screenshot
next to the report.
Skipped only when chromium or chromedriver is not installed, or selenium (the test extra) is not (``.ci/run``
installs all three).
"""

import os
import shutil
import time
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("LI2_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
DRIVER = os.environ.get("LI2_CHROMEDRIVER") or shutil.which("chromedriver") or "/usr/bin/chromedriver"

pytestmark = pytest.mark.skipif(
    not (Path(CHROMIUM).exists() and Path(DRIVER).exists()),
    reason=f"headless Chromium not installed ({CHROMIUM}, {DRIVER}): apt-get install chromium chromium-driver",
)


def _record():
    from li2verify.verify import report as R
    from li2verify.verify.claims import Claim, Evidence, rests_on

    base = Claim(id="demo.base", paper_ref="Thm 2; Sec 4.3", printed=r"$\mathcal{E}^* = \frac{M}{8 d_k}$",
                 verified=r"\mathcal{E}^* = \frac{M}{4 d_k} \text{ for a real irrep}", module="theorems.thm_demo")
    user = Claim(id="demo.user", paper_ref="Thm 3; Sec 4.4", printed=r"\text{uses } \mathcal{E}^* \geq 0",
                 depends_on=["demo.base"], module="theorems.thm_demo")
    lazy = Claim(id="demo.lazy", paper_ref="Prop 1; Sec 3.1", printed=r"$G_F(t) = t\tilde{Y}\tilde{Y}^\top\tilde{F}$",
                 title="‖G_F(0)‖_F grows like α^{-2}", assumptions=["t_grok after V_{t−1} settles"],
                 module="theorems.thm_demo")
    e1 = Evidence("demo.base", "numeric", "theorems.thm_demo::test_printed")
    e1.counterexample("E* differs from the printed M/8d", measured=1.25, printed=0.625, tol=1e-12,
                      why="float64 rounding", M=5, group="Z5")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(3, 2))
    ax.plot([0, 1, 2], [0, 1, 4], label="η = 0.1")
    ax.set_xlabel("epoch")
    ax.set_ylabel("energy E")
    ax.legend()
    e1.plot(fig, "Energy per epoch (η = 0.1)")
    e1.finalize(None)
    e2 = Evidence("demo.base", "numeric", "theorems.thm_demo::test_fixed", target="corrected")
    e2.tolerance(1e-12, "float64 rounding")
    e2.close(1.25, 1.25, family="Z5")
    e2.finalize(None)
    e3 = Evidence("demo.user", "symbolic", "theorems.thm_demo::test_user")
    e3.tolerance(0.0, "exact")
    e3.holds(True, "E* ≥ 0", family="Z3")
    e3.finalize(None)
    e4 = Evidence("demo.lazy", "property", "theorems.thm_demo::test_lazy")
    e4.describe(r"Hypothesis over c^{2p} and \lambda_{\min}: x_range, λ_min")
    e4.detail("successes per p", {"0.3010204081632653": 3, "0.6020408163265306": 5})
    e4.detail("rate", 0.123456789012345)
    e4.tolerance(1e-9, "rounding")
    e4.close(1.0, 1.0, family="Z7")
    e4.finalize(None)
    statuses = {"demo.base": "erratum", "demo.user": "verified", "demo.lazy": "verified"}
    graph = {"demo.user": ["demo.base"]}
    return R.build_record([base, user, lazy], [e1, e2, e3, e4], statuses, "fast",
                          extra={"rests_on": {"demo.user": rests_on("demo.user", graph, statuses)}})


@pytest.fixture(scope="module")
def browser():
    pytest.importorskip("selenium", reason="selenium is in the test extra: pip install -e '.[test]'")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1024,700"):
        opts.add_argument(a)
    drv = webdriver.Chrome(service=Service(DRIVER), options=opts)
    drv.set_page_load_timeout(20)
    yield drv
    drv.quit()


def _visible(drv, css):
    return [e.get_attribute("data-id") for e in drv.find_elements("css selector", css) if e.is_displayed()]


def _assert_lands_below_the_bar(drv, anchor):
    """The element with id ``anchor`` starts below the sticky filter bar and inside the window."""
    top, bar, height = drv.execute_script(
        "const e = document.getElementById(arguments[0]).getBoundingClientRect();"
        "return [e.top, document.getElementById('filters').getBoundingClientRect().bottom, window.innerHeight]",
        anchor)
    assert bar - 1 <= top < height, (anchor, top, bar, height)


# Unambiguous TeX (a command, a braced script) or a one-letter base with a script (G_F, α^2): never in plain text.
RAW_TEX = r"\\[A-Za-z]{2,}|[_^]\{|(?:^|[^A-Za-z0-9_])[A-Za-z\u0370-\u03ff‖)][_^][A-Za-z0-9\u0370-\u03ff](?![A-Za-z0-9_])"


def test_report_in_headless_chromium(browser, tmp_path):
    from li2verify.verify import report as R

    t0 = time.perf_counter()
    paths = R.write_report(_record(), tmp_path / "report")
    url = paths["html"].resolve().as_uri()
    drv = browser
    drv.get(url)
    html = paths["html"].read_text(encoding="utf-8")

    # numbers: one formatter, never 9 or more decimals (float keys included); images and SVG paths aside
    import re

    text = re.sub(r'(src="data:[^"]*"|<svg.*?</svg>)', "", html, flags=re.S)
    assert not re.search(r"\d\.\d{9,}", text), re.search(r".{40}\d\.\d{9,}.{20}", text).group(0)
    assert "0.301" in text and "0.1235" in text

    # no raw TeX in any text outside code and formulas; the fragments of titles, assumptions and descriptions
    # are MathML
    raw = drv.execute_script("""
        const re = new RegExp(arguments[0]), out = [];
        const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
        while (w.nextNode()) {
          const n = w.currentNode;
          if (n.parentElement.closest('code, math, script, style, svg, title')) continue;
          if (re.test(n.data)) out.push(n.data.trim().slice(0, 80));
        }
        return out;""", RAW_TEX)
    assert raw == [], raw
    alts = drv.execute_script("return Array.from(document.querySelectorAll('math')).map(m => m.getAttribute('alttext'))")
    for frag in ("‖G_F(0)‖_F", "α^{-2}", "c^{2p}", "t_{\\mathrm{grok}}", "V_{t-1}", "λ_{\\mathrm{min}}"):
        assert frag in alts, (frag, alts)

    # at 1024 px nothing overflows sideways; the matrix fits and its header sticks below the filter bar
    sw, cw = drv.execute_script("return [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert sw <= cw, (sw, cw)
    assert drv.execute_script("return document.querySelector('table.matrix').getBoundingClientRect().right") <= cw
    for anchor in ("errata", "graph", "matrix", "stage-stage1", "sec-4.3", "demo.user"):
        drv.get(url + "#" + anchor)
        _assert_lands_below_the_bar(drv, anchor)
    drv.get(url + "#matrix")
    drv.execute_script("const t = document.querySelector('table.matrix').getBoundingClientRect().top;"
                       "window.scrollBy(0, t - document.getElementById('filters').offsetHeight + 30)")
    head, bar = drv.execute_script("return [document.querySelector('table.matrix thead th').getBoundingClientRect().top,"
                                   "document.getElementById('filters').getBoundingClientRect().bottom]")
    assert abs(head - bar) <= 2, (head, bar)
    # a claim without a correction has one statement panel, not an empty "as verified" one
    assert "same as printed" not in html
    drv.get(url)

    # math: MathML elements laid out by the browser (nonzero boxes), not LaTeX source
    widths = drv.execute_script(
        "return Array.from(document.querySelectorAll('section.claim math')).map(m => m.getBoundingClientRect().width)")
    assert len(widths) >= 3 and all(w > 0 for w in widths), widths
    assert drv.execute_script("return document.querySelector('math mfrac') !== null")

    # alerts-free page: the summary comes before the errata; the erratum card shows both statements
    card = drv.find_element("css selector", ".erratum-card")
    text = card.text.lower()
    assert "as printed" in text and "as verified (the correction)" in text and "smallest counterexample" in text

    sections = "section.claim"
    assert set(_visible(drv, sections)) == {"demo.base", "demo.user", "demo.lazy"}
    # filter by status: unticking "verified" leaves the erratum (the filters fold into one line of the bar)
    drv.find_element("css selector", "#more-filters summary").click()
    drv.find_element("css selector", "input[name=status][value=verified]").click()
    assert _visible(drv, sections) == ["demo.base"]
    assert "1 of 3 claims shown" in drv.find_element("id", "shown").text
    drv.find_element("css selector", "input[name=status][value=verified]").click()
    # filter by stage: Stage I only
    for box in drv.find_elements("css selector", "input[name=stage]"):
        if box.get_attribute("value") != "stage1":
            box.click()
    assert _visible(drv, sections) == ["demo.lazy"]
    drv.find_element("id", "reset").click()
    # filter by method
    for box in drv.find_elements("css selector", "input[name=method]"):
        if box.get_attribute("value") != "symbolic":
            box.click()
    assert _visible(drv, sections) == ["demo.user"]
    drv.find_element("id", "reset").click()
    # search
    drv.find_element("id", "search").send_keys("Z5")
    assert _visible(drv, sections) == ["demo.base"]
    drv.find_element("id", "reset").click()
    assert len(_visible(drv, sections)) == 3

    # dependency graph (laid out by graphviz's dot): a click shows the statement and status; zoom changes the view
    drv.execute_script("window.scrollTo(0, 0)")
    if shutil.which("dot") is None:
        assert "dot` is not installed" in drv.find_element("id", "graph").find_element("xpath", "..").text
    else:
        node = drv.find_element("css selector", "svg.depgraph g.node[data-claim='demo.base']")
        drv.execute_script("arguments[0].dispatchEvent(new MouseEvent('click', {bubbles: true, cancelable: true}))",
                           node)
        info = drv.find_element("id", "graph-info")
        assert info.is_displayed() and "demo.base" in info.text and "erratum" in info.text
        assert info.find_elements("css selector", "math mfrac"), "the statement is shown as MathML"
        assert drv.current_url == url  # a click informs; the link in the panel navigates
        box = "return document.querySelector('svg.depgraph').getAttribute('viewBox')"
        before = drv.execute_script(box)
        drv.find_element("css selector", "button[data-zoom='1.25']").click()
        after = drv.execute_script(box)
        assert float(after.split()[2]) < float(before.split()[2]), (before, after)
        info.find_element("link text", "go to the claim").click()
        time.sleep(0.2)
        assert drv.current_url.endswith("#demo.base")
        _assert_lands_below_the_bar(drv, "demo.base")

    # no request leaves the page: the only resource entries are data: images, and the CSP forbids fetching
    names = drv.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert all(n.startswith("data:") for n in names), names
    csp = drv.execute_script("return document.querySelector('meta[http-equiv=Content-Security-Policy]').content")
    assert "default-src 'none'" in csp and "connect-src 'none'" in csp
    blocked = drv.execute_async_script(
        "const done = arguments[0]; fetch('http://example.invalid/x').then(() => done('sent'), () => done('blocked'))")
    assert blocked == "blocked"
    logs = [e["message"] for e in drv.get_log("browser")] if hasattr(drv, "get_log") else []
    assert not [m for m in logs if "Refused" in m and "example.invalid" not in m], logs

    # the plot is shown (not collapsed) and the top of the page is saved next to the report
    img = drv.find_element("css selector", "section.claim figure img")
    assert img.is_displayed() and drv.execute_script("return arguments[0].naturalWidth", img) > 0
    drv.get(url)
    shot = paths["html"].parent / "verification-top.png"
    assert drv.save_screenshot(str(shot)) and shot.stat().st_size > 10_000
    assert time.perf_counter() - t0 < 20

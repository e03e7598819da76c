"""The HTML report in a real browser: headless Chromium (Debian's chromium + chromium-driver) through Selenium.

Asserts what a reader relies on: formulas laid out as MathML, filters and search change what is visible, a node
of the dependency graph lands on its claim, no request leaves the page; saves a screenshot next to the report.
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
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1000"):
        opts.add_argument(a)
    drv = webdriver.Chrome(service=Service(DRIVER), options=opts)
    drv.set_page_load_timeout(20)
    yield drv
    drv.quit()


def _visible(drv, css):
    return [e.get_attribute("data-id") for e in drv.find_elements("css selector", css) if e.is_displayed()]


def test_report_in_headless_chromium(browser, tmp_path):
    from li2verify.verify import report as R

    t0 = time.perf_counter()
    paths = R.write_report(_record(), tmp_path / "report")
    url = paths["html"].resolve().as_uri()
    drv = browser
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
    # filter by status: unticking "verified" leaves the erratum
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

    # dependency graph: the node links to its claim, which ends up in view
    drv.execute_script("window.scrollTo(0, 0)")
    node = drv.find_element("css selector", "svg.depgraph a.node[data-claim='demo.base']")
    drv.execute_script("arguments[0].dispatchEvent(new MouseEvent('click', {bubbles: true, cancelable: true}))", node)
    time.sleep(0.2)
    assert drv.current_url.endswith("#demo.base")
    top = drv.execute_script("const r = document.getElementById('demo.base').getBoundingClientRect();"
                             "return [r.top, window.innerHeight]")
    assert 0 <= top[0] < top[1], top

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

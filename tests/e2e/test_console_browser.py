"""The web console in a real browser: Debian's chromium, headless, through selenium and
chromium-driver, against a running `maillab lab`. Switch sender-denied on, run the
connector, see the counts, the failing stage and the 554 in the transcript pane, switch
it off; step through a scenario in the player; load a catalog's HTML report. Screenshots go to $MAILLAB_SCREENSHOTS (ctest: build/screenshots)."""
import os
import pathlib
import re
import shutil
import subprocess

import pytest

from test_http_api import BIN, Process

selenium = pytest.importorskip("selenium", reason="python3-selenium is not installed (apt-get install python3-selenium)")
from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

SHOTS = pathlib.Path(os.environ.get("MAILLAB_SCREENSHOTS", pathlib.Path(__file__).resolve().parents[2] / "build" / "screenshots"))


@pytest.fixture
def browser():
    driver_path = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    if not os.path.exists(driver_path):
        pytest.skip("chromium-driver is not installed (apt-get install chromium chromium-driver)")
    options = webdriver.ChromeOptions()
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1000"):
        options.add_argument(flag)
    try:
        driver = webdriver.Chrome(service=Service(driver_path), options=options)
    except Exception as e:  # chromium cannot start here (no binary, no namespaces ...)
        pytest.skip(f"chromium cannot start: {e}")
    yield driver
    driver.quit()


@pytest.fixture
def lab(tmp_path):
    p = Process("lab", "--generate", "2", "--root", str(tmp_path / "connector"))
    yield p
    assert p.stop() == 0


def wait(driver, condition, what):
    return WebDriverWait(driver, 10).until(lambda d: condition(d), message=what)


def text_of(driver, element_id):
    return driver.find_element(By.ID, element_id).text


def test_sender_denied_switched_on_shows_the_554_and_switched_off_clears(browser, lab):
    SHOTS.mkdir(parents=True, exist_ok=True)
    browser.get(lab.url("/"))
    switch = wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, 'input[data-preset="sender-denied"]'),
                  "the fault switches")[0]
    wait(browser, lambda d: text_of(d, "count-pop3") == "2", "bob's two messages on the POP3 server")
    switch.click()
    wait(browser, lambda d: "554 5.1.0 Sender denied" in text_of(d, "faults"), "the fault in the installed list")
    browser.find_element(By.ID, "run-connector").click()
    wait(browser, lambda d: text_of(d, "count-failed") == "2", "two messages in Failed Mail")
    wait(browser, lambda d: "S: 554 5.1.0 Sender denied" in text_of(d, "transcripts"), "the 554 in the transcript pane")
    smtp_place = browser.find_element(By.CSS_SELECTOR, '.place[data-stage="smtp"]')
    assert "failing" in smtp_place.get_attribute("class")
    wait(browser, lambda d: "Error" in text_of(d, "events"), "an error event in the event pane")
    browser.save_screenshot(str(SHOTS / "console-sender-denied-1280.png"))
    switch.click()
    wait(browser, lambda d: text_of(d, "faults") == "", "no fault installed")
    assert lab.call("GET", "/api/faults")[1] == {"faults": []}
    browser.set_window_size(390, 900)
    browser.save_screenshot(str(SHOTS / "console-phone.png"))


def test_the_scenario_player_runs_a_scenario(browser, lab):
    browser.get(lab.url("/"))
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, '#scenario option[value="SD-sender-denied"]'),
         "the catalog in the player")
    browser.find_element(By.CSS_SELECTOR, '#scenario option[value="SD-sender-denied"]').click()
    wait(browser, lambda d: "Sender denied" in text_of(d, "scenario-info") or "spam filter" in text_of(d, "scenario-info"),
         "the scenario's fault and remedy")
    browser.find_element(By.ID, "run-scenario").click()
    wait(browser, lambda d: text_of(d, "state") == "SD-sender-denied passed", "the run's verdict")
    assert browser.find_elements(By.CSS_SELECTOR, "#checks li.pass")


def test_the_scenario_player_steps_through_a_scenario(browser, lab):
    browser.get(lab.url("/"))
    option = wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, '#scenario option[value="SD-sender-denied"]'),
                  "the catalog in the player")[0]
    option.click()
    browser.find_element(By.CSS_SELECTOR, '#profile option[value="sbs2003"]').click()
    step = browser.find_element(By.ID, "step-scenario")
    step.click()
    wait(browser, lambda d: text_of(d, "step-state").startswith("Step 1 of 8: cycle"), "the first step's record")
    # The symptom as the step left it: the three messages still at the ISP, 1048 logged.
    assert "the POP3 server (bob): 3" in text_of(browser, "step-picture")
    assert "event 1048 Error" in text_of(browser, "checks")
    assert not browser.find_element(By.ID, "end-scenario").get_attribute("disabled")
    for taken in range(2, 9):
        step.click()
        wait(browser, lambda d: text_of(d, "step-state").startswith(f"Step {taken} of 8"), f"step {taken}")
    wait(browser, lambda d: text_of(d, "state") == "SD-sender-denied passed", "the run's verdict after the last step")
    # The sbs2003 remedy: the affected mail deleted at the provider; no step failed.
    assert text_of(browser, "step-picture") == "deleted at the provider: 3"
    assert not browser.find_elements(By.CSS_SELECTOR, "#checks li.fail")
    assert browser.find_element(By.ID, "end-scenario").get_attribute("disabled")
    SHOTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(SHOTS / "console-player-stepped.png"))


def test_a_catalog_report_loads_and_shows_each_step(browser, tmp_path):
    report, junit = tmp_path / "html", tmp_path / "junit.xml"
    run = subprocess.run([BIN, "scenario", "run", "SD-sender-denied", "CDO-corrupt-eml", "--html", str(report),
                          "--junit", str(junit)], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"HTML report: {report / 'index.html'}" in run.stdout
    # The JUnit file links each run's page, and the page is there.
    pages = re.findall(r'<property name="html" value="([^"]+)"/>', junit.read_text())
    assert len(pages) == 4 and all(pathlib.Path(p).is_file() for p in pages)
    browser.get((report / "index.html").as_uri())
    rows = browser.find_elements(By.CSS_SELECTOR, "table.runs tr.pass")
    assert len(rows) == 4
    browser.find_element(By.LINK_TEXT, "SD-sender-denied").click()
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "section.step"), "the run's page")
    assert "SD-sender-denied (sbs2003)" in browser.find_element(By.TAG_NAME, "h1").text
    first = browser.find_element(By.ID, "step-1")
    assert "1. cycle" in first.find_element(By.TAG_NAME, "h2").text
    # The symptom: the SMTP stage marked, the 554 in the step's SMTP session.
    assert "failing" in first.find_element(By.CSS_SELECTOR, '.node[data-node="pickup"]').get_attribute("class")
    session = first.find_element(By.CSS_SELECTOR, "details.session:last-of-type")
    session.find_element(By.TAG_NAME, "summary").click()
    assert "S: 554 5.1.0 Sender denied" in session.text
    assert not browser.find_elements(By.CSS_SELECTOR, "tr.fail")
    SHOTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(SHOTS / "report-sender-denied-1280.png"))


def test_under_a_token_the_console_asks_once_and_stays_live(browser, tmp_path):
    lab = Process("lab", "--generate", "2", "--root", str(tmp_path / "connector"), "--http-token", "s3 cret")
    try:
        browser.get(lab.url("/"))
        alert = WebDriverWait(browser, 10).until(lambda d: _alert(d), message="the token prompt")
        alert.send_keys("s3 cret")
        alert.accept()
        # The stream takes the token in its URL (EventSource sends no header): live, not polling.
        wait(browser, lambda d: text_of(d, "state") == "live", "the live stream under the token")
        switch = wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, 'input[data-preset="sender-denied"]'),
                      "the fault switches")[0]
        switch.click()
        wait(browser, lambda d: "554 5.1.0 Sender denied" in text_of(d, "faults"), "the fault in the installed list")
        status, body, _ = lab.call("GET", "/api/faults", headers={"Authorization": "Bearer s3 cret"})
        assert status == 200 and len(body["faults"]) == 1
    finally:
        assert lab.stop() == 0


def _alert(driver):
    try:
        return driver.switch_to.alert
    except Exception:  # no alert yet
        return None

"""The web console in a real browser: Debian's chromium, headless, through selenium and
chromium-driver, against a running `maillab lab`. Switch sender-denied on, run the
connector, see the counts, the failing stage and the 554 in the transcript pane, switch
it off. Screenshots go to $MAILLAB_SCREENSHOTS (ctest: build/screenshots)."""
import os
import pathlib
import shutil

import pytest

from test_http_api import Process

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

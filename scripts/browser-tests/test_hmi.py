"""Browser tests of the operator HMI against the real pipeline (Debian chromium + chromedriver, selenium).

Checks: the page loads and signs in without console errors; live values change; an alarm appears within
seconds and can be acknowledged (its state changes); a command to the fish tank shows the device's ack; a viewer
sees no command or alarm controls; the layout fits a tablet. Saves a screenshot of each screen to docs/hmi/.
Usage: test_hmi.py BIN_DIR  (run by scripts/browser-tests/run.sh)."""
import os
import signal
import sys
import time
import traceback

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from pipeline import ROOT, TOKENS, Pipeline, wait_until  # noqa: E402

SHOTS = os.path.join(ROOT, "docs", "hmi")
TANK = "tank_01"


class Browser:
    def __init__(self, base):
        self.base = base
        options = Options()
        for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,800",
                     "--no-first-run", "--disable-extensions", "--disable-background-networking", "--lang=en-GB"):
            options.add_argument(flag)
        options.binary_location = "/usr/bin/chromium"
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        self.driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
        self.driver.set_window_size(1280, 800)
        self.driver.set_page_load_timeout(30)

    def errors(self):
        """Console errors (SEVERE) since the last call."""
        return [entry for entry in self.driver.get_log("browser") if entry["level"] == "SEVERE"]

    def find(self, css):
        return self.driver.find_element(By.CSS_SELECTOR, css)

    def all(self, css):
        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def wait(self, condition, timeout, what):
        return wait_until(condition, timeout, what, interval=0.2)

    def attr(self, css, name):
        """The attribute of the first element matching `css`, read in one script: parts of the page are redrawn as
        events arrive, so an element found in one call may be gone (stale) by the next."""
        return self.driver.execute_script(
            "const e = document.querySelector(arguments[0]); return e ? e.getAttribute(arguments[1]) : null;", css, name)

    def text(self, css):
        """The visible text of the first element matching `css`, read in one script (see `attr`)."""
        return self.driver.execute_script(
            "const e = document.querySelector(arguments[0]); return e ? e.innerText : null;", css)

    def click(self, css, what):
        """Clicks the element matching `css`, finding it again if it was redrawn between the find and the click."""
        def attempt():
            self.find(css).click()
            return True
        self.wait(attempt, 10, what)

    def visible(self, css):
        return [e for e in self.all(css) if e.is_displayed()]

    def sign_in(self, role):
        self.driver.get(self.base + "/")
        self.wait(lambda: self.find("#token").is_displayed(), 15, "the sign-in form")
        self.find("#token").send_keys(TOKENS[role])
        self.find("#signin-button").click()
        self.wait(lambda: (self.text("#role") or "").strip().lower() == role, 20, f"role {role} shown")
        self.wait(lambda: self.attr("#connection", "data-state") == "live", 20, "the live connection")

    def sign_out(self):
        self.find("#sign-out").click()
        self.wait(lambda: self.find("#token").is_displayed(), 10, "the sign-in form after sign-out")

    def shot(self, name):
        self.driver.save_screenshot(os.path.join(SHOTS, name))

    def quit(self):
        self.driver.quit()


def metric_texts(browser):
    """Every value on the overview, read in one script (the cards are redrawn as events arrive)."""
    return browser.driver.execute_script("""
        const values = {};
        for (const e of document.querySelectorAll('#plant [data-metric]'))
            values[e.closest('a[data-device]').dataset.device + '/' + e.dataset.metric] = e.textContent;
        return values;""")


def run(pipeline, browser, results):
    def check(name, function):
        started = time.monotonic()
        try:
            function()
            results.append((name, True, f"{time.monotonic() - started:.1f} s"))
        except Exception as error:  # noqa: BLE001 - reported, the run goes on
            traceback.print_exc()
            try:
                browser.driver.save_screenshot(os.path.join(pipeline.dir, f"failed-{len(results)}.png"))
                print("page state:", browser.driver.execute_script(
                    "return [location.hash, document.querySelector('#command-result')?.textContent,"
                    " document.querySelector('#toast')?.textContent]"))
            except Exception:  # noqa: BLE001 - best effort
                pass
            results.append((name, False, str(error).splitlines()[0] if str(error) else type(error).__name__))

    # The simulator's devices reach the gateway's views.
    wait_until(lambda: any(d["device_id"] == TANK for d in pipeline.api("/api/v1/devices")[1]["items"]), 60, "tank_01 in the registry")
    wait_until(lambda: pipeline.api(f"/api/v1/devices/{TANK}/latest")[0] == 200, 60, "live values of tank_01")
    wait_until(lambda: len(pipeline.api("/api/v1/devices")[1]["items"]) >= 4, 60, "four devices")

    alarm = {}
    wait_until(lambda: pipeline.api("/api/v1/analytics/latest")[1]["count"] > 0, 60, "the detector's KPI records in the gateway")

    def page_loads_without_console_errors():
        browser.driver.get(browser.base + "/")
        browser.wait(lambda: browser.find("#token").is_displayed(), 15, "the sign-in form")
        browser.shot("signin.png")
        browser.sign_in("operator")
        browser.wait(lambda: len(browser.all("#plant a[data-device]")) >= 4, 20, "four device cards")
        browser.wait(lambda: browser.all(f'#plant a[data-device="{TANK}"] [data-metric="temperature"]'), 20, "the tank's temperature")
        errors = browser.errors()
        assert not errors, f"console errors: {errors}"

    def live_values_change():
        before = metric_texts(browser)
        browser.wait(lambda: any(metric_texts(browser).get(k) not in (None, v) for k, v in before.items()), 20,
                     "a value on the overview to change")
        browser.wait(lambda: browser.all("#kpis [data-kpi]"), 20, "the KPI strip (the detector's analytics)")
        browser.shot("overview.png")

    def device_page_shows_trends():
        browser.driver.get(browser.base + f"/#/device/{TANK}")
        browser.wait(lambda: len(browser.all('#charts figure[data-chart="temperature"] polyline')) == 1, 20, "the temperature trend")
        trend = '#charts figure[data-chart="temperature"] polyline'
        first = browser.wait(lambda: browser.attr(trend, "points"), 10, "the trend's points").count(" ")
        browser.wait(lambda: (browser.attr(trend, "points") or "").count(" ") > first, 20, "the live trend to grow")
        href = browser.attr("#csv-link", "href") or ""
        assert "format=csv" in href and f"/devices/{TANK}/history" in href, href
        browser.shot("device.png")
        Select(browser.find("#range")).select_by_value("1h")
        browser.wait(lambda: "1-minute" in (browser.text("#range-info") or ""), 10, "the 1 h range from rollups")
        browser.wait(lambda: browser.all("#charts figure"), 20, "charts of the last hour")
        Select(browser.find("#range")).select_by_value("5m")
        assert not browser.errors(), "console errors on the device page"

    def alarm_appears_and_is_acknowledged():
        browser.driver.get(browser.base + "/#/alarms")
        # A fault the simulated tank injects into its own readings: the detector raises the alarm.
        status, answer = pipeline.api(f"/api/v1/devices/{TANK}/commands?wait_ms=5000", body={
            "command": "inject_fault", "params": {"kind": "spike", "field": "temperature", "magnitude": 25, "duration": 60}})
        assert status == 200 and answer["status"] == "accepted", answer
        selector = f'#active-alarms tr[data-alert^="{TANK}:"]'
        started = time.monotonic()
        browser.wait(lambda: browser.all(selector), 30, "the alarm row")
        alarm["seconds"] = time.monotonic() - started
        alert_id = browser.attr(selector, "data-alert")
        assert browser.attr(f'{selector} [data-alarm-state]', "data-alarm-state") == "active_unacknowledged"
        browser.shot("alarms.png")
        browser.click(f'#active-alarms tr[data-alert="{alert_id}"] button[data-action="ack"]', "the acknowledge button")
        browser.wait(lambda: browser.attr(f'#active-alarms tr[data-alert="{alert_id}"] [data-alarm-state]', "data-alarm-state")
                     == "active_acknowledged", 30, "the alarm to be acknowledged")
        status, detail = pipeline.api(f"/api/v1/alerts/{alert_id}")
        assert status == 200 and detail["state"] == "active_acknowledged", detail
        assert any(a["action"] == "acknowledge" for a in detail["actions"]), detail
        browser.click(f'#active-alarms tr[data-alert="{alert_id}"] button[aria-label="History of {alert_id}"]', "the history button")
        browser.wait(lambda: "acknowledge by api-token-2" in (browser.text("#alarm-history-actions") or ""), 10,
                     "the acknowledgement in the alarm's history")
        browser.driver.get(browser.base + "/")
        browser.wait(lambda: browser.all(f'#plant a[data-device="{TANK}"] [data-alarms]'), 10, "the alarm count on the overview")
        assert not browser.errors(), "console errors on the alarm screen"

    def command(click, expected, prefix, what):
        """Clicks a command control once and waits for the device's ack shown as `prefix` + `expected` (the page
        follows a command whose ack comes later than the request's 5 s wait)."""
        browser.driver.execute_script("document.querySelector('#command-result')?.removeAttribute('data-status')")
        click()
        browser.wait(lambda: browser.attr("#command-result", "data-status") in ("accepted", "rejected"), 30, what)
        status, text = browser.attr("#command-result", "data-status"), browser.text("#command-result") or ""
        assert status == expected and text.startswith(f"{prefix} tank_01 {expected}"), f"{what}: {status}: {text}"

    def command_to_fish_tank_shows_ack():
        browser.driver.get(browser.base + "/#/commands")
        browser.wait(lambda: browser.find("#command-device").is_displayed(), 10, "the command screen")
        Select(browser.find("#command-device")).select_by_value(TANK)
        browser.wait(lambda: browser.visible("#takeover"), 10, "the takeover button")
        command(lambda: browser.click("#takeover", "the takeover button"), "accepted", "set_controller:", "the takeover")
        browser.wait(lambda: browser.text("#controller-state") == "external", 20, "controller shown as external")
        command(lambda: browser.click("#heater-on", "the heater button"), "accepted", "set_heater:", "heater on")
        browser.wait(lambda: browser.text("#heater-state") == "on", 20, "the heater shown on")

        def apply_range(low, high):
            minimum, maximum = browser.find("#range-min"), browser.find("#range-max")
            minimum.clear(); minimum.send_keys(low); maximum.clear(); maximum.send_keys(high)
            browser.find("#range-apply").click()
        command(lambda: apply_range("30", "20"), "rejected", "set_range:", "an inverted range")
        assert "needs min < max" in (browser.text("#command-result") or "")
        command(lambda: apply_range("24.5", "26.5"), "accepted", "set_range:", "a valid range")
        browser.wait(lambda: browser.text("#range-current") == "24.5 – 26.5", 20, "the new range reported by the tank")
        browser.shot("commands.png")
        assert not browser.errors(), "console errors on the command screen"

    def viewer_sees_no_controls():
        browser.sign_out()
        browser.sign_in("viewer")
        assert not browser.visible("#nav-commands"), "the Commands screen is offered to a viewer"
        browser.driver.get(browser.base + "/#/alarms")
        browser.wait(lambda: browser.find("#screen-alarms").is_displayed(), 10, "the alarm screen")
        browser.wait(lambda: browser.all("#active-alarms tr[data-alert], #active-alarms td.empty"), 10, "the alarm table")
        assert not browser.all("#active-alarms button[data-action]"), "alarm action buttons shown to a viewer"
        browser.shot("alarms-viewer.png")
        browser.driver.get(browser.base + "/#/commands")
        browser.wait(lambda: browser.find("#screen-overview").is_displayed(), 10, "a viewer sent back to the overview")
        assert not browser.visible("#command-panel button"), "command buttons shown to a viewer"
        assert not browser.errors(), "console errors as a viewer"

    def tablet_layout_fits():
        browser.driver.set_window_size(820, 1180)
        browser.driver.get(browser.base + "/")
        browser.wait(lambda: len(browser.all("#plant a[data-device]")) >= 4, 20, "the overview at tablet width")
        overflow = browser.driver.execute_script("return document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"the page scrolls sideways by {overflow} px at tablet width"
        browser.shot("overview-tablet.png")
        browser.driver.set_window_size(1280, 800)

    check("page loads and signs in without console errors", page_loads_without_console_errors)
    check("live values change", live_values_change)
    check("device page shows live trends and a CSV link", device_page_shows_trends)
    check("alarm raised by the detector appears and can be acknowledged", alarm_appears_and_is_acknowledged)
    check("fish-tank commands show the device's ack", command_to_fish_tank_shows_ack)
    check("a viewer sees no command or alarm controls", viewer_sees_no_controls)
    check("layout fits a tablet", tablet_layout_fits)
    return alarm


def main():
    # `timeout` (run.sh) stops the run with SIGTERM: unwind so the pipeline and the browser are stopped too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(124))
    bin_dir = sys.argv[1]
    venv = os.environ.get("SCADA_VENV", os.path.join(ROOT, ".venv"))
    os.makedirs(SHOTS, exist_ok=True)
    pipeline, browser, results = Pipeline(bin_dir, venv), None, []
    try:
        pipeline.start_servers()
        pipeline.start_services()
        print(f"pipeline up in {pipeline.dir}")
        browser = Browser(pipeline.gateway)
        alarm = run(pipeline, browser, results)
        if "seconds" in alarm:
            print(f"alarm shown {alarm['seconds']:.1f} s after it was raised")
    except Exception:  # noqa: BLE001
        traceback.print_exc()
        results.append(("pipeline start", False, "see the traceback above"))
        for name in ("api-gateway", "preprocessor", "db-interface", "plc-simulator"):
            print(f"--- {name} ---\n{pipeline.log_tail(name)}")
    finally:
        if browser:
            browser.quit()
        pipeline.stop()
    for name, ok, detail in results:
        print(f"{'PASS' if ok else 'FAIL'}  {name}  ({detail})")
    failed = [r for r in results if not r[1]]
    print(f"browser tests: {len(results) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed or not results else 0


if __name__ == "__main__":
    sys.exit(main())

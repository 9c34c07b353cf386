#!/usr/bin/env python3
"""norm serve's page at / in a real browser, used as a person would.

Headless Chromium, driven over the DevTools protocol on a pipe (--remote-debugging-pipe:
JSON messages separated by NUL on file descriptors 3 and 4, so nothing beyond Python's
standard library is needed), opens the page, checks that every field has a label, types the
case file into the text field, presses the button and waits for the report. It writes the
report's DOM and screenshots of the form (SCREENSHOT-skjema.png) and the report, and fails when the browser reports an error on either page
(a blocked resource, a Content-Security-Policy violation).

Usage: page.py CHROMIUM URL CASE.json DOM_OUT.html SCREENSHOT.png PROFILE_DIR
Exit 0 when the report was shown; otherwise 1 with the reason on stderr.
"""
import base64
import fcntl
import json
import os
import signal
import subprocess
import sys


class Browser:
    def __init__(self, chromium, profile):
        to_chrome_r, self.to_chrome = os.pipe()
        self.from_chrome, from_chrome_w = os.pipe()

        def pipes_at_3_and_4():
            r = fcntl.fcntl(to_chrome_r, fcntl.F_DUPFD, 10)
            w = fcntl.fcntl(from_chrome_w, fcntl.F_DUPFD, 10)
            os.dup2(r, 3)
            os.dup2(w, 4)

        self.proc = subprocess.Popen(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
             "--no-first-run", "--user-data-dir=" + profile, "--remote-debugging-pipe",
             "--window-size=1280,1600", "about:blank"],
            preexec_fn=pipes_at_3_and_4, close_fds=False,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self.pending = b""
        self.events = []
        self.next_id = 0

    def _read_message(self):
        while b"\0" not in self.pending:
            chunk = os.read(self.from_chrome, 1 << 16)
            if not chunk:
                raise RuntimeError("Chromium avsluttet uventet")
            self.pending += chunk
        msg, self.pending = self.pending.split(b"\0", 1)
        return json.loads(msg)

    def call(self, method, params=None, session=None):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        data = json.dumps(msg).encode() + b"\0"
        while data:
            data = data[os.write(self.to_chrome, data):]
        while True:
            m = self._read_message()
            if m.get("id") == self.next_id:
                if "error" in m:
                    raise RuntimeError(f"{method}: {m['error']}")
                return m.get("result", {})
            self.events.append(m)

    def wait_event(self, method, session):
        while True:
            for i, e in enumerate(self.events):
                if e.get("method") == method and e.get("sessionId") == session:
                    del self.events[i]
                    return e
            self.events.append(self._read_message())

    def close(self):
        try:
            self.call("Browser.close")
        except (RuntimeError, OSError):
            pass
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def main():
    chromium, url, case_path, dom_out, shot_out, profile = sys.argv[1:7]
    signal.alarm(150)                         # a hung browser fails the test, not CI
    with open(case_path, encoding="utf-8") as f:
        case_text = f.read()
    b = Browser(chromium, profile)
    try:
        target = b.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        s = b.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        b.call("Page.enable", session=s)
        b.call("Log.enable", session=s)
        b.call("Page.navigate", {"url": url}, s)
        b.wait_event("Page.loadEventFired", s)

        def js(expr):
            r = b.call("Runtime.evaluate", {"expression": expr, "returnByValue": True}, s)
            if "exceptionDetails" in r:
                raise RuntimeError(f"{expr}: {r['exceptionDetails']}")
            return r["result"].get("value")

        unlabelled = js("[...document.querySelectorAll('input,textarea,select')]"
                        ".filter(e => !document.querySelector('label[for=\"' + e.id + '\"]')).map(e => e.name)")
        if unlabelled:
            raise RuntimeError(f"felt uten etikett: {unlabelled}")
        if js("document.querySelector('h1') && document.querySelector('h1').textContent") is None:
            raise RuntimeError("siden har ingen overskrift")
        form = b.call("Page.captureScreenshot", {"format": "png"}, s)
        with open(shot_out.replace(".png", "-skjema.png"), "wb") as f:
            f.write(base64.b64decode(form["data"]))
        # the person's steps: into the field, type (paste) the case, press the button
        js("document.getElementById('sak').focus()")
        b.call("Input.insertText", {"text": case_text}, s)
        if js("document.getElementById('sak').value.length") < len(case_text) // 2:
            raise RuntimeError("teksten kom ikke inn i feltet")
        js("document.querySelector('form button[type=submit]').focus()")
        for kind in ("keyDown", "keyUp"):
            b.call("Input.dispatchKeyEvent", {"type": kind, "key": "Enter", "code": "Enter",
                                              "windowsVirtualKeyCode": 13, "text": "\r"}, s)
        b.wait_event("Page.loadEventFired", s)
        with open(dom_out, "w", encoding="utf-8") as f:
            f.write(js("document.documentElement.outerHTML"))
        shot = b.call("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True}, s)
        with open(shot_out, "wb") as f:
            f.write(base64.b64decode(shot["data"]))
        errors = [e["params"]["entry"] for e in b.events
                  if e.get("method") == "Log.entryAdded" and e["params"]["entry"].get("level") == "error"]
        if errors:
            raise RuntimeError(f"nettleseren meldte feil: {[x.get('text') for x in errors]}")
    finally:
        b.close()


if __name__ == "__main__":
    try:
        main()
    except Exception as e:                    # noqa: BLE001 - every failure is the test's
        print(f"page.py: {e}", file=sys.stderr)
        sys.exit(1)

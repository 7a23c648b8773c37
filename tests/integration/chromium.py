"""Headless Chromium for the HTML tests: load a local page, return its DOM, console and requests.

Chromium (Debian's `chromium` package, installed by scripts/install-deps.sh) runs inside whatever
network namespace the test runs in (CI: loopback only) with every name mapped to NOTFOUND,
background networking off and a throw-away profile and HOME. Not a test file itself: the
test_report_*.py files import it.
"""

import html.parser
import json
import os
import pathlib
import re
import shutil
import subprocess

import labtest

CHROMIUM_FLAGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-default-apps", "--disable-extensions",
    "--host-resolver-rules=MAP * ~NOTFOUND", "--enable-logging=stderr", "--v=0",
]
CHROMIUM_TIMEOUT = 60


def artefact_dir():
    """Where screenshots go: $CONFORMSCAN_ARTEFACTS, else test-artefacts/ beside the binary (the build dir)."""
    base = os.environ.get("CONFORMSCAN_ARTEFACTS") or labtest.BIN.resolve().parent / "test-artefacts"
    path = pathlib.Path(base) / "report-html"
    path.mkdir(parents=True, exist_ok=True)
    return path


class Browser:
    """One Chromium run on a local file: (stdout, console lines, page-initiated request URLs)."""

    def __init__(self, tmp):
        self.exe = shutil.which("chromium") or shutil.which("chromium-browser")
        self.tmp = pathlib.Path(tmp)
        self.runs = 0

    def run(self, page, *mode):
        self.runs += 1
        profile = self.tmp / f"profile-{self.runs}"
        netlog = self.tmp / f"net-{self.runs}.json"
        args = [self.exe, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--log-net-log={netlog}", *mode,
                pathlib.Path(page).resolve().as_uri()]
        # A throw-away HOME too: CI may have none, and nothing of the user's may leak in.
        env = dict(os.environ, HOME=str(profile), XDG_CONFIG_HOME=str(profile / "config"),
                   XDG_CACHE_HOME=str(profile / "cache"))
        proc = subprocess.run(args, capture_output=True, text=True, timeout=CHROMIUM_TIMEOUT,
                              stdin=subprocess.DEVNULL, env=env)
        if proc.returncode != 0:
            raise AssertionError(f"chromium exited {proc.returncode}\n{proc.stderr[-3000:]}")
        # Chromium's own pages (chrome://, e.g. the new-tab composebox on a loaded machine) log
        # to the same console stream; only what is not theirs can be the report's.
        console = [line for line in proc.stderr.splitlines()
                   if ":CONSOLE" in line and not re.search(r"source: (chrome|chrome-untrusted|devtools)://", line)]
        return proc.stdout, console, page_requests(netlog)


def page_requests(netlog):
    """URLs of the requests a page made: those whose network isolation key is the file:// top frame.

    Chromium's own background requests (component updater, network time) carry a "null null"
    key and are not the page's doing; with no network they fail anyway.
    """
    with open(netlog, encoding="utf-8") as f:
        log = json.load(f)
    names = {v: k for k, v in log["constants"]["logEventTypes"].items()}
    urls = []
    for event in log.get("events", []):
        if names.get(event.get("type")) != "URL_REQUEST_START_JOB":
            continue
        params = event.get("params", {})
        if "file://" in params.get("network_isolation_key", "") or params.get("initiator") == "null":
            urls.append(params.get("url", ""))
    return urls


def new_browser(tmp):
    """A Browser with its profiles under TMP; fails (not skips) when chromium is not installed."""
    browser = Browser(tmp)
    if not browser.exe:
        raise AssertionError("chromium not found: scripts/install-deps.sh installs Debian's chromium package")
    return browser


class DataPage(html.parser.HTMLParser):
    """What the tests read from the diff and sector pages' DOM (data-* attributes the renderers write)."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.root = {}
        self.links = []
        self.scripts = 0
        self.headings = {}         # section id -> text of its h2
        self.section_counts = {}   # section id -> data-count
        self.changes = {}          # list -> {(target name, rule)}
        self.targets = {}          # targets_added/removed -> [target name]
        self.facts = {}            # (list, target name, rule) -> [text of each changed fact]
        self.operators = {}        # operator file -> (operator, use, signature)
        self.unused = []           # (use, file)
        self.rules = {}            # rule -> (judged, failing)
        self.worst = []            # rule, in page order
        self.counts = {}           # cover dd data-count -> int
        self._section = None
        self._h2 = None
        self._row = None
        self._dd = None
        self._fact = None
        self._operator = None
        self._operator_file = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        for key in ("src", "href", "action", "srcset"):
            if key in a:
                self.links.append(a[key])
        if tag == "html":
            self.root = a
        if tag == "script":
            self.scripts += 1
        if tag == "section" and a.get("id"):
            self._section = a["id"]
            if "data-count" in a:
                self.section_counts[a["id"]] = int(a["data-count"])
        if tag == "h2":
            self._h2 = []
        if tag == "tr" and "change" in classes:
            self._row = (a["data-list"], a["data-target-name"], a["data-rule"])
            self.changes.setdefault(a["data-list"], set()).add(self._row[1:])
            self.facts[self._row] = []
        if tag == "li" and "fact" in classes and self._row:
            self._fact = []
        if tag == "li" and "target-change" in classes:
            self.targets.setdefault(a["data-list"], []).append(a["data-target-name"])
        if tag == "tr" and "operator" in classes:
            self._operator = (a["data-operator"], a["data-use"], a["data-signature"])
        if tag == "span" and "hash" in classes and self._operator:
            self._operator_file = []
        if tag == "tr" and "unused" in classes:
            self.unused.append((a["data-use"], a["data-file"]))
        if tag == "tr" and "rule-rate" in classes:
            self.rules[a["data-rule"]] = (int(a["data-judged"]), int(a["data-failing"]))
        if tag == "tr" and "worst" in classes:
            self.worst.append(a["data-rule"])
        if tag == "dd" and "data-count" in a:
            self._dd = (a["data-count"], [])

    def handle_endtag(self, tag):
        if tag == "h2" and self._h2 is not None:
            self.headings[self._section or "cover"] = "".join(self._h2).strip()
            self._h2 = None
        if tag == "li" and self._fact is not None:
            self.facts[self._row].append("".join(self._fact))
            self._fact = None
        if tag == "tr":
            self._row = None
        if tag == "span" and self._operator_file is not None:
            self.operators["".join(self._operator_file)] = self._operator
            self._operator_file = None
            self._operator = None
        if tag == "dd" and self._dd:
            self.counts[self._dd[0]] = int("".join(self._dd[1]))
            self._dd = None

    def handle_data(self, data):
        if self._h2 is not None:
            self._h2.append(data)
        if self._fact is not None:
            self._fact.append(data)
        if self._operator_file is not None:
            self._operator_file.append(data)
        if self._dd:
            self._dd[1].append(data)

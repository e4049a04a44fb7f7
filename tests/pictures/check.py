#!/usr/bin/env python3
"""tests/pictures/check.py - the ladder diagrams of the tapi tool (tools/ladder.c).

1. `tapi demo --svg` is parsed as XML (ElementTree): one <g class="ladder"> per
   scenario, titled by it; its parties are the applications and the switch; it
   has exactly one arrow per action and message of `tapi demo --json` for that
   scenario, each from one lifeline to another, top to bottom.
2. `tapi answer` and `tapi call` on 127.0.0.1 with --svg: the caller's picture
   has the tool, its SIP line and the far end, with the SIP messages (INVITE,
   180, 200, ACK, BYE) among the TAPI ones.
3. Chromium (Debian package chromium) renders the demo's SVG headless to PNG;
   the PNG is decoded (zlib, PNG filters) and must not be blank: enough dark
   pixels (text, lifelines) and blue ones (the arrows).
Exit 0 when all hold; prints what failed otherwise.
"""
import json
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TAPI = os.path.join(ROOT, "build", "tapi")
NS = "{http://www.w3.org/2000/svg}"
failures = []


def fail(msg):
    failures.append(msg)
    print("pictures: FAIL: " + msg)


def run(args, timeout=60, env=None):
    p = subprocess.run([TAPI] + args, capture_output=True, text=True, timeout=timeout, env=env)
    return p.returncode, p.stdout, p.stderr


def ladders(path):
    root = ET.parse(path).getroot()
    if root.tag != NS + "svg":
        fail("%s: root element is %s, not svg" % (path, root.tag))
        return []
    out = []
    for g in root.iter(NS + "g"):
        if g.get("class") != "ladder":
            continue
        title = next(t.text for t in g.iter(NS + "text") if t.get("class") == "title")
        parties = [t.text for t in g.iter(NS + "text") if t.get("class") == "party"]
        lifelines = [float(l.get("x1")) for l in g.iter(NS + "line") if l.get("class") == "lifeline"]
        arrows = [l for l in g.iter(NS + "line") if l.get("class") == "arrow"]
        notes = [c for c in g.iter(NS + "circle") if c.get("class") == "note"]
        labels = [t.text or "" for t in g.iter(NS + "text") if t.get("class") == "label"]
        out.append(dict(title=title, parties=parties, lifelines=lifelines, arrows=arrows,
                        notes=notes, labels=labels))
    return out


def check_geometry(name, d):
    if len(d["parties"]) != len(d["lifelines"]):
        fail("%s: %d parties but %d lifelines" % (name, len(d["parties"]), len(d["lifelines"])))
    last_y = -1.0
    for a in d["arrows"]:
        x1, x2, y1, y2 = (float(a.get(k)) for k in ("x1", "x2", "y1", "y2"))
        if x1 not in d["lifelines"] or x2 not in d["lifelines"] or x1 == x2:
            fail("%s: an arrow from x=%s to x=%s does not join two lifelines" % (name, x1, x2))
        if y1 != y2 or y1 <= last_y:
            fail("%s: arrows not horizontal or not top to bottom (y %s after %s)" % (name, y1, last_y))
        last_y = y1


def check_demo(tmp):
    rc, out, err = run(["demo", "--json"])
    if rc != 0:
        fail("tapi demo --json exited %d: %s" % (rc, err))
        return None
    events = {}
    for line in out.splitlines():
        o = json.loads(line)  # every line is one JSON object
        if o["kind"] in ("action", "message"):
            events.setdefault(o["scenario"], []).append(o)
    svg = os.path.join(tmp, "demo.svg")
    rc, out, err = run(["demo", "--svg", svg])
    if rc != 0 or not out.rstrip().endswith("9 scenarios: 9 ok, 0 failed"):
        fail("tapi demo --svg exited %d, last line %r" % (rc, out.rstrip().splitlines()[-1:]))
    ds = ladders(svg)
    if len(ds) != 9:
        fail("demo.svg has %d ladders, expected 9 scenarios" % len(ds))
    for d in ds:
        name = d["title"].split(":")[0]
        evs = events.get(name, [])
        if len(d["arrows"]) != len(evs):
            fail("%s: %d arrows, %d actions and messages" % (name, len(d["arrows"]), len(evs)))
        if "switch" not in d["parties"]:
            fail("%s: no switch column: %s" % (name, d["parties"]))
        apps = {e["from"] for e in evs} | {e["to"] for e in evs}
        if set(d["parties"]) != apps:
            fail("%s: parties %s, the timeline has %s" % (name, d["parties"], sorted(apps)))
        for lab, ev in zip(d["labels"], evs):
            text = " ".join(ev["text"].split())
            if lab != text and not (len(lab) == 199 and text.startswith(lab)):
                fail("%s: label %r for event %r" % (name, lab, ev["text"]))
                break
        check_geometry(name, d)
    print("pictures: demo.svg: %d ladders, %d arrows, each one action or message"
          % (len(ds), sum(len(d["arrows"]) for d in ds)))
    return svg


def free_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def check_call(tmp):
    pa, pb = free_port(), free_port()
    bob = "sip:bob@127.0.0.1:%d" % pb
    alice = "sip:alice@127.0.0.1:%d" % pa
    svg = os.path.join(tmp, "call.svg")
    ans = subprocess.Popen([TAPI, "answer", "--line", bob, "--ring-uui", "0461", "--drop-after",
                            "10", "--timeout", "15"], stdout=subprocess.PIPE, text=True)
    first = ans.stdout.readline()  # printed once its line is open
    if ") open, " not in first:
        fail("tapi answer did not open its line: %r" % first)
    rc, out, err = run(["call", "--line", alice, bob, "--svg", svg, "--timeout", "15"])
    ans_out = first + ans.communicate(timeout=30)[0]
    if rc != 0 or ans.returncode != 0:
        fail("tapi call exited %d, answer %d:\n%s\n%s" % (rc, ans.returncode, out, ans_out))
        return
    ds = ladders(svg)
    if len(ds) != 1:
        fail("call.svg has %d ladders, expected 1" % len(ds))
        return
    d = ds[0]
    want = ["tapi call", alice, "127.0.0.1:%d" % pb]
    if d["parties"] != want:
        fail("call.svg parties %s, expected %s" % (d["parties"], want))
    sip = [l for l in d["labels"] if l.startswith(("INVITE ", "ACK ", "BYE ", "SIP/2.0 "))]
    heads = [l.split(" ")[0] if not l.startswith("SIP/2.0") else l.split(" ")[1] for l in sip]
    for h in ("INVITE", "180", "200", "ACK", "BYE"):
        if h not in heads:
            fail("call.svg lacks the SIP message %s: %s" % (h, heads))
    if heads.index("INVITE") > heads.index("180") or heads.index("180") > heads.index("ACK"):
        fail("call.svg: SIP messages out of order: %s" % heads)
    if not any(l.startswith("call 1: lineMakeCall") for l in d["labels"]):
        fail("call.svg lacks lineMakeCall")
    check_geometry("call.svg", d)
    print("pictures: call.svg: %s, %d arrows, SIP %s" % (d["parties"], len(d["arrows"]), heads))


def png_pixels(path):
    """(width, height, rows of (r, g, b)) of an 8-bit RGB or RGBA PNG."""
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, w = 8, b"", 0
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
            if depth != 8 or ctype not in (2, 6) or body[12] != 0:
                raise ValueError("PNG type %d/%d not handled" % (depth, ctype))
            bpp = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw = zlib.decompress(idat)
    stride = w * bpp
    rows, prev = [], bytearray(stride)
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append([tuple(line[x * bpp:x * bpp + 3]) for x in range(w)])
        prev = line
    return w, h, rows


def check_render(svg, tmp):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        fail("chromium is not installed (Debian package chromium): the SVG was not rendered")
        return
    png = os.path.join(tmp, "demo.png")
    p = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu",
                        "--hide-scrollbars", "--user-data-dir=" + os.path.join(tmp, "chromium"),
                        "--screenshot=" + png, "--window-size=1000,700", "file://" + svg],
                       capture_output=True, text=True, timeout=120)
    if p.returncode != 0 or not os.path.exists(png):
        fail("chromium could not render %s (exit %d): %s" % (svg, p.returncode, p.stderr[-500:]))
        return
    w, h, rows = png_pixels(png)
    dark = sum(1 for r in rows for px in r if max(px) < 100)
    blue = sum(1 for r in rows for px in r if px[2] > 120 and px[0] < 80 and px[2] - px[0] > 60)
    total = w * h
    print("pictures: chromium rendered %dx%d: %d dark pixels, %d blue (arrows)" % (w, h, dark, blue))
    if dark < total // 200:
        fail("the rendered picture is blank: %d dark pixels of %d" % (dark, total))
    if blue < 500:
        fail("the rendered picture has no arrows: %d blue pixels" % blue)


def main():
    if not os.access(TAPI, os.X_OK):
        print("pictures: %s missing (make)" % TAPI)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        svg = check_demo(tmp)
        check_call(tmp)
        if svg:
            check_render(svg, tmp)
    if failures:
        print("pictures: %d failure(s)" % len(failures))
        return 1
    print("pictures: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())

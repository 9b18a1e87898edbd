#!/usr/bin/python3
"""serve_test.py BIN FIXTURES CONFIG CASES — statusnotat serve over HTTP: the
API's check is check --json's document for every fixture and every case; a
delivery only of a ready document of the account's own department, under the
name the server chooses, with a receipt; 401 with a growing delay, 403 for
another department or another site, 422 for a document with fejl; limits
(413 before the body is read, a slow client cut off, connections per address
capped) that leave the other clients served; the form without and with its
token; the audit log; the accounts file's mode."""
import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from harness import check, finish  # noqa: E402

BIN, FIXTURES, CONFIG, CASES = (os.path.abspath(a) for a in sys.argv[1:5])
ROOT = tempfile.mkdtemp(prefix="statusnotat-serve-")
INBOX = os.path.join(ROOT, "inbox")
ACCOUNTS = os.path.join(ROOT, "accounts")
AUDIT = os.path.join(ROOT, "audit.jsonl")
os.makedirs(INBOX)


def token_for(code):
    p = subprocess.run([BIN, "serve", "--config", CONFIG, "--accounts", ACCOUNTS, "--add-account", code],
                       capture_output=True, text=True)
    check(p.returncode == 0, f"--add-account {code}: {p.stderr}")
    return p.stdout.strip().splitlines()[-1]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(*extra):
    port = free_port()
    proc = subprocess.Popen([BIN, "serve", "--config", CONFIG, "--listen", f"127.0.0.1:{port}", "--inbox", INBOX,
                             "--accounts", ACCOUNTS, "--audit", AUDIT, *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    check("lytter på http://127.0.0.1:" in line, f"serve says where it listens: {line!r}")
    return proc, port


def request(port, method, path, body=None, headers=None, timeout=30):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    c.request(method, path, body=body, headers=headers or {})
    r = c.getresponse()
    data = r.read()
    c.close()
    return r.status, dict(r.getheaders()), data


def basic(code, token):
    import base64
    return {"Authorization": "Basic " + base64.b64encode(f"{code}:{token}".encode()).decode()}


def files_to_check():
    out = []
    for folder in (FIXTURES, os.path.join(FIXTURES, "2008-H1"), CASES):
        for name in sorted(os.listdir(folder)):
            path = os.path.join(folder, name)
            # a link is a property of a file system, not of bytes sent over HTTP
            if os.path.isfile(path) and not os.path.islink(path) and not name.endswith((".expect", ".sh")):
                out.append((folder, name))
    return out


def api_is_check_json(port):
    """One code path: the API's document is check --json's, byte for byte."""
    same = 0
    cases = files_to_check()
    for folder, name in cases:
        data = open(os.path.join(folder, name), "rb").read()
        if len(data) > 16 << 20:
            continue
        status, _, body = request(port, "POST", "/api/check?name=" + urllib.parse.quote(name), data)
        cli = subprocess.run([BIN, "check", "--json", "--config", CONFIG, "--", name], cwd=folder,
                             capture_output=True)
        ok = status == 200 and body == cli.stdout
        check(ok, f"/api/check of {name} is check --json's ({status}): {body[:200]!r} vs {cli.stdout[:200]!r}")
        same += ok
    check(same >= 20, f"compared {same} files")
    bad = open(os.path.join(FIXTURES, "bad-ambiguous-amount.xml"), "rb").read()
    status, headers, body = request(port, "POST", "/api/check?name=b.xml&format=csv", bad)
    rows = body.decode().splitlines()
    check(status == 200 and headers.get("Content-Type", "").startswith("text/csv") and
          rows[0] == '"fil";"linje";"alvor";"kode";"besked";"sti"' and len(rows) >= 2 and '"b.xml"' in rows[1],
          f"the findings as CSV: {rows[:2]}")


def form_multipart(fields, files, boundary="----statusnotat"):
    lines = []
    for k, v in fields.items():
        lines += [f"--{boundary}", f'Content-Disposition: form-data; name="{k}"', "", v]
    body = "\r\n".join(lines).encode() + (b"\r\n" if lines else b"")
    for name, data in files:
        body += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"fil\"; filename=\"{name}\"\r\n"
                 "Content-Type: application/xml\r\n\r\n").encode() + data + b"\r\n"
    body += f"--{boundary}--\r\n".encode()
    return body, {"Content-Type": f"multipart/form-data; boundary={boundary}"}


def deliveries(port, sof, buf):
    sof_doc = open(os.path.join(FIXTURES, "SOF-2008-H2.xml"), "rb").read()
    buf_doc = open(os.path.join(FIXTURES, "BUF-2008-H2.xml"), "rb").read()
    status, _, body = request(port, "POST", "/api/deliver?name=..%2F..%2Fetc%2Fpasswd", sof_doc, basic("SOF", sof))
    receipt = json.loads(body)
    check(status == 200 and receipt["file"].startswith("SOF-2008-H2-") and
          os.listdir(INBOX) == [receipt["file"]] and receipt["sha256"] and receipt["receipt"],
          f"a ready document of one's own: delivered under the server's name: {status} {body[:300]!r} {os.listdir(INBOX)}")
    check(open(os.path.join(INBOX, receipt["file"]), "rb").read() == sof_doc, "the bytes as sent")
    status, _, body = request(port, "POST", "/api/deliver", buf_doc, basic("SOF", sof))
    check(status == 403 and "BUF" in json.loads(body)["error"], f"another department's: 403 {body[:200]!r}")
    bad = open(os.path.join(FIXTURES, "bad-ambiguous-amount.xml"), "rb").read()
    status, _, body = request(port, "POST", "/api/deliver", bad, basic("BUF", buf))
    check(status == 422 and json.loads(body)["check"]["summary"]["rejected"] == 1, f"not ready: 422 {status}")
    status, headers, _ = request(port, "POST", "/api/deliver", sof_doc)
    check(status == 401 and "Basic" in headers.get("WWW-Authenticate", ""), f"no credentials: 401 {status}")
    times = []
    for i in range(4):
        t = time.time()
        status, _, _ = request(port, "POST", "/api/deliver", sof_doc, basic("SOF", "forkert" + str(i)))
        times.append(time.time() - t)
    check(status == 401 and times[-1] > times[0] + 0.5, f"failures wait longer each time: {times}")
    status, _, _ = request(port, "POST", "/api/deliver", buf_doc, {**basic("BUF", buf), "Origin": "https://evil.example"})
    check(status == 403, f"another site's request: 403 ({status})")
    status, _, _ = request(port, "POST", "/api/deliver", buf_doc, basic("BUF", buf))
    check(status == 200 and len(os.listdir(INBOX)) == 2, f"BUF's own: delivered ({status})")


def forms(port, sof):
    status, _, page = request(port, "GET", "/")
    text = page.decode()
    check(status == 200 and 'lang="da"' in text and '<label for="filer">' in text and 'aria-live="polite"' in text,
          "the page: Danish, labels, a live region")
    check("http://" not in text and "https://" not in text, "no external address on the page")
    csrf = text.split('name="csrf" value="')[1].split('"')[0]
    body, headers = form_multipart({}, [("SOF-2008-H2.xml", open(os.path.join(FIXTURES, "SOF-2008-H2.xml"), "rb").read())])
    status, _, _ = request(port, "POST", "/check", body, headers)
    check(status == 403, f"a form without its token: 403 ({status})")
    body, headers = form_multipart({"csrf": csrf}, [
        ("SOF-2008-H2.xml", open(os.path.join(FIXTURES, "SOF-2008-H2.xml"), "rb").read()),
        ("bad-ambiguous-amount.xml", open(os.path.join(FIXTURES, "bad-ambiguous-amount.xml"), "rb").read())])
    status, _, page = request(port, "POST", "/check", body, headers)
    text = page.decode()
    check(status == 200 and "Klar til aflevering" in text and "Ikke klar" in text and 'href="#f1-l' in text and
          'href="/regler/' in text and 'id="f1-l1"' in text and "Fund efter indsats" in text and
          "Fundene som CSV" in text and "Det læste vi" in text, f"the form's result: both verdicts, line links, rules")
    status, _, page = request(port, "GET", "/regler")
    check(status == 200 and "/regler/NUMBER_LEADING_ZERO" in page.decode(), "the rules' index lists every code")
    status, _, page = request(port, "GET", "/regler/NUMBER_LEADING_ZERO")
    text = page.decode()
    check(status == 200 and "NUMBER_LEADING_ZERO" in text and "Den sædvanlige årsag" in text and
          "Sådan skrives det rigtigt" in text and "0,5 mio. kr." in text, "a rule's page: meaning, cause, a correct example")
    status, _, _ = request(port, "GET", "/regler/NO_SUCH_CODE")
    check(status == 404, "no page for an unknown code")
    status, headers, xsd = request(port, "GET", "/statusnotat.xsd")
    check(status == 200 and xsd == open(os.path.join(os.path.dirname(FIXTURES), "docs", "statusnotat.xsd"), "rb").read()
          and headers.get("Content-Type", "").startswith("application/xml"), "GET /statusnotat.xsd: the schema")
    issued, mac = csrf.split(".")
    forged = f"{int(issued) - 1}.{mac}"
    body, headers = form_multipart({"csrf": forged}, [("x.xml", b"<x/>")])
    status, _, _ = request(port, "POST", "/check", body, headers)
    check(status == 403, f"a forged form token: 403 ({status})")
    odd = '<script>alert(1)</script> æøå "x".xml'
    body, headers = form_multipart({"csrf": csrf}, [(odd, open(os.path.join(FIXTURES, "BR-2008-H2.xml"), "rb").read())])
    status, _, page = request(port, "POST", "/check", body, headers)
    check(status == 200 and "<script>alert" not in page.decode() and "&lt;script&gt;" in page.decode(),
          "an odd file name is shown escaped, never as markup")
    status, _, page = request(port, "POST", "/check", b"--nope\r\nnot multipart at all",
                              {"Content-Type": "multipart/form-data; boundary=other"})
    check(status in (400, 403), f"bad multipart: refused ({status})")
    body, headers = form_multipart({"csrf": csrf}, [("x.xml", open(os.path.join(FIXTURES, "SOF-2008-H2.xml"), "rb").read())])
    status, _, _ = request(port, "POST", "/check", body, {**headers, "Sec-Fetch-Site": "cross-site"})
    check(status == 403, f"a cross-site form: 403 ({status})")
    body, headers = form_multipart({"csrf": csrf, "kode": "SOF", "token": "forkert"},
                                   [("x.xml", open(os.path.join(FIXTURES, "SOF-2008-H2.xml"), "rb").read())])
    status, _, page = request(port, "POST", "/deliver", body, headers)
    check(status == 401 and "Ikke afleveret" in page.decode(), f"the delivery form with a wrong token: 401 ({status})")


def limits(port):
    # Over the limit by Content-Length: refused before the body (Expect: 100-continue).
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"POST /api/check HTTP/1.1\r\nHost: x\r\nContent-Length: 999999999\r\nExpect: 100-continue\r\n\r\n")
    s.settimeout(5)
    answer = s.recv(4096)
    s.close()
    check(b" 413 " in answer.split(b"\r\n")[0], f"413 before the body is read: {answer[:60]!r}")
    # Over the limit without a length (chunked): refused once past it.
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def chunks():
        block = b"<" * (1 << 20)
        for _ in range(20):
            yield block
    try:
        c.request("POST", "/api/check", body=chunks(), encode_chunked=True)
        status = c.getresponse().status
    except (BrokenPipeError, ConnectionResetError):
        status = 413
    check(status == 413, f"a chunked body over the limit: 413 ({status})")
    # A slow client is cut off while the others are served.
    slow = socket.create_connection(("127.0.0.1", port))
    slow.sendall(b"POST /api/check HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n<")
    t = time.time()
    status, _, _ = request(port, "POST", "/api/check?name=a.xml", open(os.path.join(FIXTURES, "BR-2008-H2.xml"), "rb").read())
    check(status == 200 and time.time() - t < 2, f"others served beside a slow client ({time.time() - t:.2f} s)")
    slow.settimeout(10)
    try:
        got = slow.recv(4096)
    except socket.timeout:
        got = b"timeout"
    check(got != b"timeout" and time.time() - t < 8, f"the slow client is cut off ({time.time() - t:.1f} s): {got[:40]!r}")
    slow.close()
    # Connections per address are capped.
    held = [socket.create_connection(("127.0.0.1", port)) for _ in range(3)]
    extra = socket.create_connection(("127.0.0.1", port))
    extra.settimeout(3)
    try:
        extra.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        refused = extra.recv(100) == b""
    except (ConnectionResetError, BrokenPipeError):
        refused = True
    check(refused, "a connection over the per-address cap is refused")
    for h in held + [extra]:
        h.close()


def half_year_before():
    """With --archive, the page shows the Udvikling rows the period's workbook
    will show for the department: here the same (id, change) pairs."""
    import openpyxl
    import re
    night_root = os.path.join(ROOT, "night")
    inbox, archive, out = (os.path.join(night_root, d) for d in ("inbox", "archive", "out"))
    os.makedirs(inbox)
    shutil.copy(os.path.join(FIXTURES, "2008-H1", "SOF-2008-H1.xml"), inbox)
    env = dict(os.environ, SOURCE_DATE_EPOCH="1228780800")
    subprocess.run([BIN, "run", "--config", CONFIG, "--inbox", inbox, "--archive", archive, "--out", out],
                   env=env, check=True, capture_output=True)
    proc, port = start("--archive", archive)
    try:
        _, _, page = request(port, "GET", "/")
        csrf = page.decode().split('name="csrf" value="')[1].split('"')[0]
        body, headers = form_multipart({"csrf": csrf}, [("SOF-2008-H2.xml", open(os.path.join(FIXTURES, "SOF-2008-H2.xml"), "rb").read())])
        status, _, page = request(port, "POST", "/check", body, headers)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    text = page.decode()
    check(status == 200 and "Ændret siden 1. halvår 2008" in text, "the page shows what changed since the half year before")
    section = text.split("Ændret siden", 1)[1].split("<h3>", 1)[0]
    shown = re.findall(r"<tr><td>([^<]*)</td><td>[^<]*</td><td>([^<]*)</td>", section)
    shutil.copy(os.path.join(FIXTURES, "SOF-2008-H2.xml"), inbox)
    env["SOURCE_DATE_EPOCH"] = "1228867200"
    subprocess.run([BIN, "run", "--config", CONFIG, "--inbox", inbox, "--archive", archive, "--out", out],
                   env=env, check=True, capture_output=True)
    ws = openpyxl.load_workbook(os.path.join(out, "SOF-2008-H2.xlsx"))["Udvikling"]
    rows = list(ws.iter_rows(min_row=4, values_only=True))
    wanted = [(r[1], r[3]) for r in rows if r[1] and r[3] != "uændret"]
    check(shown and shown == wanted, f"the page's rows are the workbook's Udvikling rows: {shown} vs {wanted}")


def main():
    try:
        sof, buf = token_for("SOF"), token_for("BUF")
        check(oct(os.stat(ACCOUNTS).st_mode & 0o777) == "0o600", "the accounts file is the service's only")
        check(sof not in open(ACCOUNTS).read(), "no token in the accounts file")
        again = token_for("SOF")
        check(again != sof, "a new token replaces the old one")
        proc, port = start("--per-address", "3", "--idle-seconds", "2", "--request-seconds", "4")
        try:
            api_is_check_json(port)
            status, _, _ = request(port, "POST", "/api/deliver", b"x", basic("SOF", sof))
            check(status == 401, "the replaced token no longer works")
            deliveries(port, again, buf)
            forms(port, again)
            limits(port)
        finally:
            proc.terminate()
            check(proc.wait(timeout=10) == 0, "SIGTERM stops it with 0")
        half_year_before()
        lines = [json.loads(line) for line in open(AUDIT)]
        decisions = {line["decision"] for line in lines}
        check({"ready", "not-ready", "delivered", "wrong-department", "unauthorized"} <= decisions,
              f"the audit log has every decision: {decisions}")
        check(all("time" in line and "address" in line and "endpoint" in line for line in lines),
              "every audit line has time, address and endpoint")
        delivered = [line for line in lines if line["decision"] == "delivered"]
        check(all(line.get("sha256") and line.get("account") and line.get("department") for line in delivered),
              "a delivery's line has account, department and SHA-256")
    finally:
        shutil.rmtree(ROOT, ignore_errors=True)
    finish("serve_test")


main()

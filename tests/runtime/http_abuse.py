#!/usr/bin/env python3
"""http_abuse.py HOST PORT - hostile and heavy requests against bpflua's
/metrics server: wrong methods, unknown paths, a garbage request line, a bad HTTP version, a GET
with a body, then scrapes as fast as possible for 2 s. Prints one line
"abuse ok: ..." when every answer was the expected one. With
--scrape-for SECS it only scrapes, for that long, whatever the answers."""
import socket
import sys
import time
import urllib.request

host, port = sys.argv[1], int(sys.argv[2])
if len(sys.argv) > 3 and sys.argv[3] == "--scrape-for":
    # Scrapes while the script is being stopped; refused connections are
    # expected once it has gone.
    end = time.time() + float(sys.argv[4])
    while time.time() < end:
        try:
            urllib.request.urlopen("http://%s:%d/metrics" % (host, port), timeout=2).read()
        except OSError:
            time.sleep(0.01)
    sys.exit(0)


def raw(data):
    s = socket.create_connection((host, port), timeout=5)
    s.sendall(data)
    out = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        out += chunk
    s.close()
    return int(out.split(b" ", 2)[1]) if out.startswith(b"HTTP/") else 0


def status(method, path="/metrics", data=None):
    req = urllib.request.Request("http://%s:%d%s" % (host, port, path), method=method, data=data)
    try:
        return urllib.request.urlopen(req, timeout=5).status
    except urllib.error.HTTPError as e:
        return e.code


for _ in range(100):  # the server comes up before the script's first line
    try:
        status("GET")
        break
    except OSError:
        time.sleep(0.05)
got = [status("POST", data=b"x"), status("PUT", data=b"x"), status("GET", "/nope"),
       raw(b"GARBAGE\r\n\r\n"), raw(b"GET /metrics FOO/9\r\n\r\n"),
       raw(b"GET /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello")]
n, end = 0, time.time() + 2
while time.time() < end:
    assert status("GET") == 200
    n += 1
# A request line that is not HTTP is dropped (0: closed, no answer) or 400.
got[3] = 400 if got[3] in (0, 400) else got[3]
want = [405, 405, 404, 400, 400, 400]
if got == want and n > 10:
    print("abuse ok: POST 405, PUT 405, /nope 404, garbage refused, bad version 400, "
          "body 400, %d scrapes" % n)
else:
    print("abuse FAILED: got %s want %s, %d scrapes" % (got, want, n))

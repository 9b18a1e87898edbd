#!/usr/bin/env bash
# bench-serve.sh [SECONDS] [CLIENTS] — statusnotat serve under load on
# loopback: CLIENTS (default 50) concurrent clients POST the fixtures to
# /api/check for SECONDS (default 30); prints p50 and p99 latency, the
# throughput, and the server's resident memory at the start, the middle and
# the end with its peak (flat memory: end ≈ middle). Targets (issue 20): p99
# under 100 ms for a 4 kB document, memory flat over the run. A benchmark,
# not a test: it prints ratios and fails nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30} clients=${2:-50}
scripts/install-deps.sh >/dev/null
scripts/build.sh >/dev/null
work=$(mktemp -d); trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
mkdir -p "$work/inbox"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
build/statusnotat serve --listen "127.0.0.1:$port" --inbox "$work/inbox" --audit "$work/audit.jsonl" \
  --max-connections 200 --per-address 100 >"$work/serve.log" 2>&1 &
server=$!
sleep 0.5
/usr/bin/python3 - "$port" "$seconds" "$clients" "$server" fixtures <<'PY'
import http.client, os, sys, threading, time
port, seconds, clients, pid, fixtures = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
docs = [open(os.path.join(fixtures, n), "rb").read() for n in sorted(os.listdir(fixtures)) if n.endswith(".xml")]
small = [d for d in docs if 3000 <= len(d) <= 5000] or docs
def rss():
    for line in open(f"/proc/{pid}/status"):
        if line.startswith(("VmRSS", "VmHWM")):
            yield line.split()[0][:-1], int(line.split()[1])
lat, lock, stop = [], threading.Lock(), time.time() + seconds
def client(k):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    mine, i = [], k
    while time.time() < stop:
        body = small[i % len(small)]; i += 1
        t = time.perf_counter()
        c.request("POST", "/api/check?name=bench.xml", body=body)
        r = c.getresponse(); r.read()
        mine.append(time.perf_counter() - t)
        if r.status != 200:
            print("status", r.status); break
    with lock:
        lat.extend(mine)
start_mem = dict(rss())
threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
t0 = time.time()
for t in threads: t.start()
time.sleep(seconds / 2); mid_mem = dict(rss())
for t in threads: t.join()
elapsed = time.time() - t0
end_mem = dict(rss())
lat.sort()
p = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))] * 1000
print(f"clients {clients}, {elapsed:.1f} s, {len(lat)} checks of {len(small[0])}-byte documents")
print(f"throughput {len(lat) / elapsed:.0f} checks/s; latency p50 {p(0.50):.1f} ms, p99 {p(0.99):.1f} ms "
      f"(target < 100 ms: ratio {p(0.99) / 100:.2f})")
print(f"server RSS: start {start_mem['VmRSS']} kB, middle {mid_mem['VmRSS']} kB, end {end_mem['VmRSS']} kB, "
      f"peak {end_mem['VmHWM']} kB (end/middle {end_mem['VmRSS'] / mid_mem['VmRSS']:.2f})")
PY

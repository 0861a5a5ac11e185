"""`make bench`: the production server under concurrent load, with figures printed.

1. A fresh data directory (SQLite, or DATABASE_URL if set), migrated and seeded with the demo catalogue.
2. 100,000 generated implementation items (bench/generate.py) and a rebuilt search index.
3. `zwfw serve` (granian, production settings) on a free loopback port.
4. wrk (C, from Debian) with 16 connections per scenario (identity: sign-ins on 4 connections,
   refresh chains one per connection, driven by Lua scripts that carry each answer's token into the
   next request, so the load generator spends little of the shared CPUs); requests/s, p50 and p99
   printed and written to bench/results/latest.json.
5. Seals (bench/seals_bench.py, in process and single-threaded, once the server has stopped):
   ES256 and SM2 signatures and verifications per second beside the raw libraries' own rates
   measured in the same run (target: verification at >= 70% of raw), PDF signings and
   verifications per second; printed as a second table, "seals" in the JSON.
6. Cases (bench/cases_bench.py makes the data: N generated 办件 of 杭州市民政局, default 100,000, with
   bulk_create): submissions through POST /api/v1/cases/submissions (no upload, a distinct
   Idempotency-Key per request, checked against the database afterwards), the applicant's status
   read GET /api/v1/cases/mine/{public_id}/status, and the staff workbench queue /cases/workbench/ (a
   window clerk, approver and department administrator signed in with password and TOTP); each
   on a server of its own.

Options: --items N (default 100000), --duration S (default 15), --connections C (default 16),
--workers W (server worker processes, default one per CPU), --threads, --only SCENARIO, --keep DIR (reuse a generated data dir between runs),
--seal-seconds S (per side of each seal row, default 3), --cases N (generated cases, default 100000). `--only seals` needs neither wrk, the
generated items nor the server: it migrates the data dir and runs step 5 alone.
"""

from __future__ import annotations

import argparse
import base64
import functools
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote_plus

import seals_bench  # bench/ is on sys.path when this file runs as a script; its imports need no Django

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
RESULTS = ROOT / "bench" / "results"

LUA = """
local paths = {}
for line in io.lines("%s") do paths[#paths + 1] = line end
local counter = 0
function setup(thread) thread:set("offset", math.random(1, #paths)) end
function init(args) counter = offset end
function request()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end
"""

# name, paths key, target description, check(rps, p50_ms, p99_ms)
SCENARIOS = [
    ("catalogue search (API)", "search", "p99 <= 100 ms at 16 clients", lambda rps, p50, p99: p99 <= 100),
    ("guide page (办事指南)", "guide", ">= 300 requests/s", lambda rps, p50, p99: rps >= 300),
]
# Identity (issue 3): wrk drives all three; the sign-in and refresh scripts keep per-connection state.
IDENTITY_SCENARIOS = [
    ("password sign-in", "signin", ">= 30 sign-ins/s", lambda rps, p50, p99: rps >= 30),
    ("refresh-token grant", "refresh", ">= 240 grants/s", lambda rps, p50, p99: rps >= 240),
    (
        "API read, bearer token",
        "read",
        ">= 1000 requests/s, p99 <= 60 ms",
        lambda rps, p50, p99: rps >= 1000 and p99 <= 60,
    ),
]
# Seals (issue: seal benchmarks): bench/seals_bench.py, in process, after the server has stopped.
SEALS = "seals"
# Licences (issue: licence benchmarks): wrk against a server of its own per row, the data made by
# bench/licenses_bench.py; the PDF row in process, once the server has stopped.
LICENSES = "licenses"
BATCH_ITEMS = 50  # licences in each request of the batch issuance row
BATCH_TIMEOUT = "30s"  # wrk's, per request of that row (its default, 2 s, is a few batches' time)
QR_TARGET = (">= 1500 requests/s, p99 <= 50 ms", lambda rps, p50, p99: rps >= 1500 and p99 <= 50)
LICENSE_SCENARIOS = [
    ("QR verification page", "verify_page", *QR_TARGET),
    ("QR verification (API)", "verify_api", *QR_TARGET),
    # checked on new licences per second (replays excluded), and on the database after the run
    (
        "licence issuance (API)",
        "issue",
        ">= 400 new licences/s, no duplicate",
        lambda new_per_s: new_per_s >= 400,
    ),
    # the same measure and check, each request a batch of BATCH_ITEMS licences (POST /issue/batch)
    (
        f"licence issuance, batches of {BATCH_ITEMS} (API)",
        "issue_batch",
        ">= 400 new licences/s, no duplicate",
        lambda new_per_s: new_per_s >= 400,
    ),
]
SHOW_TOKENS = {"warm-up": 500, "measure": 3000}  # distinct tokens: each one's first scan is a 用证记录 row
REPLAYED = 0.10  # share of issuance requests that replay an earlier idempotency key (same body)
# The bench's single loopback address would meet the default 300 token checks a minute at once.
TOKEN_CHECKS_PER_MINUTE = "100000000"
VERIFY_API_LUA = """
local tokens = {}
for line in io.lines(%s) do tokens[#tokens + 1] = line end
local counter = 0
function setup(thread) thread:set("offset", math.random(1, #tokens)) end
function init(args) counter = offset end
function request()
  counter = counter + 1
  return wrk.format("POST", "/api/v1/licenses/verify/token", {["Content-Type"] = "application/json"},
    '{"token": "' .. tokens[(counter %% #tokens) + 1] .. '"}')
end
"""
# Both issuance scripts: a thread's next request is a fresh one (its n counts up) or, for a share of
# them, a replay of an earlier one of the thread; pending and pending_replay say which is in flight.
NEXT_REQUEST_LUA = """
local function next_request()
  local n
  if fresh > 0 and math.random() < %(replayed)s then
    n, pending_replay = math.random(1, fresh), 1
    replays = replays + 1
  else
    fresh = fresh + 1
    n, pending_replay = fresh, 0
  end
  pending = n
  return n
end
"""
# One connection per thread, so each response answers the thread's last request. Request n of a
# thread issues a licence to its own holder under key PREFIX<thread>-<n>; a share of requests
# replays an earlier key of the thread with the same body and must get 200 with the same identifier.
# done() writes what was sent and answered for licenses_bench.py check.
ISSUE_LUA = """
local holders = {}
for line in io.lines(%(holders)s) do holders[#holders + 1] = line end
local headers = {
  ["Content-Type"] = "application/json", ["Cookie"] = %(cookie)s, ["X-CSRFToken"] = %(csrf)s,
}
local threads = {}
function setup(thread)
  threads[#threads + 1] = thread
  thread:set("index", #threads)
end
function init(args)
  math.randomseed(index * 7919 + os.time())
  fresh, replays, replay_same, replay_new, replay_other = 0, 0, 0, 0, 0
  identifiers = {}
  unconfirmed = ""
  pending = 0
  pending_replay = 0
end
local function unconfirm(n) unconfirmed = unconfirmed .. "," .. n end
local function body(n)
  local holder = holders[((%(offset)d + (n - 1) * %(threads)d + index - 1) %% #holders) + 1]
  return '{"type_code": "%(type_code)s", "holder_document_type": "resident_id", '
    .. '"holder_document_number": "' .. holder .. '", "surface": {"issue_date": "%(today)s"}, '
    .. '"idempotency_key": "%(prefix)s' .. index .. '-' .. n .. '"}'
end
""" + NEXT_REQUEST_LUA + """function request()
  if pending > 0 and pending_replay == 0 then unconfirm(pending) end  -- no answer (socket error)
  local n = next_request()
  return wrk.format("POST", "/api/v1/licenses/issue", headers, body(n))
end
function response(status, headers, body)
  local n = pending
  pending = 0
  local identifier = body:match('"identifier"%%s*:%%s*"([^"]+)"')
  if pending_replay == 0 then
    if status == 201 and identifier then identifiers[n] = identifier else unconfirm(n) end
  elseif identifiers[n] ~= nil then
    if status == 201 then replay_new = replay_new + 1
    elseif status == 200 and identifier == identifiers[n] then replay_same = replay_same + 1
    elseif status == 200 then replay_other = replay_other + 1 end
  end
end
function done(summary, latency, requests)
  local rows = {}
  for i, thread in ipairs(threads) do
    local unconfirmed = thread:get("unconfirmed")
    if thread:get("pending") > 0 and thread:get("pending_replay") == 0 then
      unconfirmed = unconfirmed .. "," .. thread:get("pending")  -- in flight when wrk stopped
    end
    rows[#rows + 1] = string.format(
      '{"thread": %%d, "fresh": %%d, "replays": %%d, "replay_same": %%d, "replay_new": %%d, '
        .. '"replay_other": %%d, "unconfirmed": [%%s]}',
      i, thread:get("fresh"), thread:get("replays"), thread:get("replay_same"), thread:get("replay_new"),
      thread:get("replay_other"), unconfirmed:sub(2))
  end
  local file = io.open(%(stats)s, "w")
  file:write('{"prefix": "%(prefix)s", "warmup_prefix": "%(warmup_prefix)s", "started_at": %(started_at)s, '
    .. '"threads": [' .. table.concat(rows, ", ") .. ']}')
  file:close()
end
"""
# The batch row: as ISSUE_LUA, each request a batch of BATCH_ITEMS items (POST /issue/batch). Item j of
# request n of a thread issues to a holder of its own under key PREFIX<thread>-<n>-<j>; a share of
# requests replays an earlier batch of the thread with the same body, every item of which must come
# back "replayed" with the identifier it was created with. An item is confirmed when answered
# "created" with an identifier; done() writes per thread what was sent and answered (unconfirmed
# items as "n-j") for licenses_bench.py check.
BATCH_ISSUE_LUA = """
local holders = {}
for line in io.lines(%(holders)s) do holders[#holders + 1] = line end
local headers = {
  ["Content-Type"] = "application/json", ["Cookie"] = %(cookie)s, ["X-CSRFToken"] = %(csrf)s,
}
local size = %(size)d
local threads = {}
function setup(thread)
  threads[#threads + 1] = thread
  thread:set("index", #threads)
end
function init(args)
  math.randomseed(index * 7919 + os.time())
  fresh, replays, replay_same, replay_new, replay_other, replay_failed, item_errors = 0, 0, 0, 0, 0, 0, 0
  identifiers = {}
  unconfirmed = ""
  pending = 0
  pending_replay = 0
end
local function unconfirm(n, j) unconfirmed = unconfirmed .. ',"' .. n .. '-' .. j .. '"' end
local function body(n)
  local items = {}
  for j = 1, size do
    local holder = holders[((%(offset)d + ((n - 1) * %(threads)d + index - 1) * size + j - 1) %% #holders) + 1]
    items[j] = '{"type_code": "%(type_code)s", "holder_document_type": "resident_id", '
      .. '"holder_document_number": "' .. holder .. '", "surface": {"issue_date": "%(today)s"}, '
      .. '"idempotency_key": "%(prefix)s' .. index .. '-' .. n .. '-' .. j .. '"}'
  end
  return '{"items": [' .. table.concat(items, ", ") .. ']}'
end
""" + NEXT_REQUEST_LUA + """function request()
  if pending > 0 and pending_replay == 0 then  -- no answer (socket error)
    for j = 1, size do unconfirm(pending, j) end
  end
  local n = next_request()
  return wrk.format("POST", "/api/v1/licenses/issue/batch", headers, body(n))
end
-- each result of the answer: {status, identifier} by item (1-based); a result runs from its
-- "index" to its "error" member, the licence between them
local function outcomes(text)
  local found = {}
  for result in text:gmatch('"index"(.-)"error"') do
    local index = tonumber(result:match("^%%s*:%%s*(%%d+)"))
    if index then
      found[index + 1] = {result:match('"status"%%s*:%%s*"(%%a+)"'), result:match('"identifier"%%s*:%%s*"([^"]+)"')}
    end
  end
  return found
end
function response(status, headers, body)
  local n = pending
  pending = 0
  local found = status == 200 and outcomes(body) or {}
  if pending_replay == 0 then
    local made = {}
    for j = 1, size do
      local outcome = found[j]
      if outcome and outcome[1] == "created" and outcome[2] then
        made[j] = outcome[2]
      else
        unconfirm(n, j)
        if outcome and outcome[1] == "error" then item_errors = item_errors + 1 end
      end
    end
    identifiers[n] = made
  elseif identifiers[n] ~= nil then
    for j, identifier in pairs(identifiers[n]) do
      local outcome = found[j]
      if outcome and outcome[1] == "replayed" and outcome[2] == identifier then replay_same = replay_same + 1
      elseif outcome and outcome[1] == "replayed" then replay_other = replay_other + 1
      elseif outcome and outcome[1] == "created" then replay_new = replay_new + 1
      else replay_failed = replay_failed + 1 end
    end
  end
end
function done(summary, latency, requests)
  local rows = {}
  for i, thread in ipairs(threads) do
    local unconfirmed = thread:get("unconfirmed")
    if thread:get("pending") > 0 and thread:get("pending_replay") == 0 then
      for j = 1, size do  -- in flight when wrk stopped
        unconfirmed = unconfirmed .. ',"' .. thread:get("pending") .. '-' .. j .. '"'
      end
    end
    rows[#rows + 1] = string.format(
      '{"thread": %%d, "fresh": %%d, "replays": %%d, "replay_same": %%d, "replay_new": %%d, '
        .. '"replay_other": %%d, "replay_failed": %%d, "item_errors": %%d, "unconfirmed": [%%s]}',
      i, thread:get("fresh"), thread:get("replays"), thread:get("replay_same"), thread:get("replay_new"),
      thread:get("replay_other"), thread:get("replay_failed"), thread:get("item_errors"), unconfirmed:sub(2))
  end
  local file = io.open(%(stats)s, "w")
  file:write('{"prefix": "%(prefix)s", "warmup_prefix": "%(warmup_prefix)s", "started_at": %(started_at)s, '
    .. '"duration": %(duration)d, "batch": ' .. size .. ', "threads": [' .. table.concat(rows, ", ") .. ']}')
  file:close()
end
"""
# Cases (issue: case benchmarks): wrk against a server of its own per row, the data made by
# bench/cases_bench.py (checked on new cases per second for the submission row).
CASES = "cases"
# The submission row runs last: the cases it makes would otherwise lengthen the queue the workbench row
# reads (cases_bench.py setup removes them before the next run).
CASE_SCENARIOS = [
    ("case status read (API)", "case_read", ">= 1000 requests/s", lambda rps, p50, p99: rps >= 1000),
    ("workbench queue page", "case_workbench", "p99 <= 200 ms over 100,000 cases", lambda rps, p50, p99: p99 <= 200),
    ("case submission (API)", "case_submit", ">= 400 new cases/s, no duplicate", lambda new_per_s: new_per_s >= 400),
]
CASE_SUBMIT_PATH = "/api/v1/cases/submissions"
# One connection per thread, each signed in as its own applicant (session cookie and CSRF token, as
# the portal's JavaScript would send them); request n of thread i carries Idempotency-Key PREFIXi-n.
CASE_SUBMIT_LUA = """
local sessions = {%(sessions)s}
local threads = {}
function setup(thread)
  threads[#threads + 1] = thread
  thread:set("index", #threads)
end
function init(args)
  local session = sessions[((index - 1) %% #sessions) + 1]
  cookie, csrf = session[1], session[2]
  n = 0
end
function request()
  n = n + 1
  local key = "%(prefix)s" .. index .. "-" .. n
  return wrk.format("POST", "%(path)s", {
    ["Content-Type"] = "application/json", ["Cookie"] = cookie, ["X-CSRFToken"] = csrf, ["Idempotency-Key"] = key,
  }, '{"item_id": %(item_id)d, "idempotency_key": "' .. key .. '", "form_data": %(form)s}')
end
"""
HEADER_PATHS_LUA = """
local paths = {}
for line in io.lines(%(paths)s) do paths[#paths + 1] = line end
local counter = 0
wrk.headers[%(header)s] = %(value)s
function setup(thread) thread:set("offset", math.random(1, #paths)) end
function init(args) counter = offset end
function request()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end
"""
# Connections (one per wrk thread where a connection carries a chain of dependent requests).
IDENTITY_CONNECTIONS = {"signin": 4, "refresh": 16}
READ_LUA = """
wrk.headers["Authorization"] = "Bearer %s"
wrk.path = "/api/v1/identity/me"
"""
# The real login form (Argon2id, throttle counts, LoginAttempt row, audit entry, new session), posted
# by a signed-out browser that holds a CSRF cookie: Django checks the form token against the
# csrftoken cookie (no server-side state), so each connection keeps the cookie it was given. No
# session cookie is sent back: every request is a complete sign-in from the signed-out state.
SIGNIN_LUA = """
local users = {%(users)s}
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("index", counter)
end
function init(args)
  local user = users[((index - 1) %% #users) + 1]
  body = "csrfmiddlewaretoken=%(csrf)s&tab=password&action=password&next=%%2F&identifier="
    .. user[1] .. "&password=" .. user[2]
end
function request()
  return wrk.format("POST", "/account/login/", {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "csrftoken=%(csrf)s",
  }, body)
end
"""
# One refresh-token family per connection (run with as many threads as connections, so each thread
# holds one connection): every answer carries the next refresh token, which the next request uses.
# The client authenticates with HTTP Basic on every request (RFC 6749 §2.3.1); rotation and reuse
# detection stay on, so a request with a stale token would fail (and be counted as an error).
REFRESH_LUA = """
local tokens = {%(tokens)s}
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("refresh_token", tokens[counter])
end
function request()
  return wrk.format("POST", "/oauth/token/", {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Authorization"] = "Basic %(basic)s",
  }, "grant_type=refresh_token&refresh_token=" .. refresh_token)
end
function response(status, headers, body)
  if status == 200 then
    refresh_token = body:match('"refresh_token"%%s*:%%s*"([^"]+)"') or refresh_token
  end
end
"""


def lua_string(value: str) -> str:
    return json.dumps(value)  # a JSON string literal of ASCII text is a valid Lua string literal


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run(cmd: list[str], env: dict, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, env=env, check=True, cwd=ROOT, **kwargs)


def to_ms(value: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value)
    if not match:
        raise ValueError(value)
    number, unit = float(match.group(1)), match.group(2)
    return number * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def parse_wrk(text: str) -> dict:
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    p50 = to_ms(re.search(r"^\s+50%\s+(\S+)", text, re.M).group(1))
    p99 = to_ms(re.search(r"^\s+99%\s+(\S+)", text, re.M).group(1))
    errors = 0
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    if non2xx:
        errors += int(non2xx.group(1))
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    if sock:
        errors += sum(int(g) for g in sock.groups())
    total = int(re.search(r"(\d+) requests in", text).group(1))
    return {"requests_per_s": rps, "p50_ms": p50, "p99_ms": p99, "errors": errors, "requests": total}


def run_wrk(
    script_text: str, name: str, threads: int, connections: int, duration: int, base: str, timeout: str = "",
    *, tmp: str,
) -> dict:
    """wrk driven by a Lua script (written to ``tmp``/``name``.lua) against ``base``, its figures parsed."""
    script = Path(tmp) / f"{name}.lua"
    script.write_text(script_text, encoding="utf-8")
    out = subprocess.run(
        [
            "wrk", f"-t{threads}", f"-c{connections}", "--latency", "-s", str(script), f"-d{duration}s",
            *([f"--timeout={timeout}"] if timeout else []), base,
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    return parse_wrk(out.stdout)


def wait_ready(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as resp:
                if resp.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise SystemExit(f"server did not become ready at {url}")
        time.sleep(0.5)


def run_identity_scenarios(base: str, setup: dict, args, tmp: str, results: dict) -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    import identity_load

    wanted = {key for _, key, _, _ in IDENTITY_SCENARIOS if not args.only or key == args.only}
    if not wanted:
        return
    users = setup["users"]

    def families(count: int, offset: int) -> list[dict]:
        # Separate token families per run: a refresh run spends the access token of each family it
        # rotates (revoked), and a warm-up leaves its families at tokens the next run never saw.
        return [
            identity_load.obtain_tokens(base, setup, users[(offset + i) % len(users)]) for i in range(count)
        ]

    wrk = functools.partial(run_wrk, base=base, tmp=tmp)

    for name, key, target, check in IDENTITY_SCENARIOS:
        if key not in wanted:
            continue
        if key == "signin":
            conns = IDENTITY_CONNECTIONS["signin"]
            csrf = secrets.token_hex(16)  # 32 characters, the form of Django's CSRF secret
            pairs = ", ".join(
                f"{{{lua_string(quote_plus(u['identifier']))}, {lua_string(quote_plus(u['password']))}}}"
                for u in users
            )
            text = SIGNIN_LUA % {"users": pairs, "csrf": csrf}
            wrk(text, "signin", conns, conns, 3)  # warm-up
            figures = wrk(text, "signin", conns, conns, args.duration)
        elif key == "refresh":
            conns = IDENTITY_CONNECTIONS["refresh"]
            basic = base64.b64encode(
                f"{quote_plus(setup['client_id'])}:{quote_plus(setup['client_secret'])}".encode()
            ).decode()
            for run, duration in (("warm-up", 3), ("measure", args.duration)):
                tokens = families(conns, offset=0 if run == "warm-up" else conns)
                text = REFRESH_LUA % {
                    "tokens": ", ".join(lua_string(t["refresh_token"]) for t in tokens),
                    "basic": basic,
                }
                figures = wrk(text, "refresh", conns, conns, duration)
        else:
            token = families(1, offset=0)[0]["access_token"]
            text = READ_LUA % token
            wrk(text, "read", 2, args.connections, 3)  # warm-up
            figures = wrk(text, "read", 2, args.connections, args.duration)
        figures.update(name=name, target=target)
        figures["meets_target"] = bool(
            check(figures["requests_per_s"], figures["p50_ms"], figures["p99_ms"])
        ) and (figures["errors"] == 0)
        results["scenarios"].append(figures)


def run_license_scenarios(servers, env: dict, setup: dict, args, tmp: str, results: dict) -> dict:
    """The QR verification rows (page and API) and the issuance rows (single requests and batches),
    each on a server of its own (``servers``: start and stop); the issuance checks against the
    database. The checks by row key ("issue", "issue_batch"), for the JSON."""
    sys.path.insert(0, str(ROOT / "bench"))
    import licenses_load

    if args.duration + 3 > 170:  # tokens live at most 180 s (zwfw.licenses.showing.MAX_SECONDS)
        raise SystemExit("--duration: at most 167 s for the licence scenarios (亮证 tokens live 180 s)")
    start_server, stop_server = servers

    wrk = functools.partial(run_wrk, tmp=tmp)

    def fresh_tokens(key: str) -> dict[str, Path]:
        files = {run: Path(tmp) / f"{key}-{run}-tokens.txt" for run in SHOW_TOKENS}
        run(
            [str(BIN / "python"), "bench/licenses_bench.py", "tokens"]
            + [f"{files[run]}:{count}" for run, count in SHOW_TOKENS.items()],
            env,
        )
        return files

    checks: dict[str, dict] = {}
    for name, key, target, check in LICENSE_SCENARIOS:
        server, base = start_server({"ZWFW_LICENSE_TOKEN_CHECKS_PER_MINUTE": TOKEN_CHECKS_PER_MINUTE})
        try:
            if key in ("verify_page", "verify_api"):
                print(
                    f"{name}: {SHOW_TOKENS['measure']:,} fresh 亮证 tokens of {len(setup['shown'])} licences ..."
                )
                tokens = fresh_tokens(key)  # made now: they live 180 s
                for run_name, duration in (("warm-up", 3), ("measure", args.duration)):
                    if key == "verify_page":
                        paths = Path(tmp) / f"{key}-{run_name}-paths.txt"
                        lines = tokens[run_name].read_text(encoding="ascii").split()
                        paths.write_text(
                            "".join(f"/licenses/v/{token}/\n" for token in lines), encoding="ascii"
                        )
                        text = LUA % paths
                    else:
                        text = VERIFY_API_LUA % lua_string(str(tokens[run_name]))
                    figures = wrk(text, key, 2, args.connections, duration, base)
                figures["distinct_tokens"] = SHOW_TOKENS["measure"]
                met = check(figures["requests_per_s"], figures["p50_ms"], figures["p99_ms"])
            else:
                session = licenses_load.staff_session(base, setup)
                conns = args.connections
                stats = Path(tmp) / f"{key}-stats.json"
                prefix = {
                    "warm-up": f"bench-w{secrets.token_hex(3)}-",
                    "measure": f"bench-{secrets.token_hex(3)}-",
                }
                script = ISSUE_LUA if key == "issue" else BATCH_ISSUE_LUA
                for run_name, duration in (("warm-up", 3), ("measure", args.duration)):
                    text = script % {
                        "holders": lua_string(setup["holders_file"]),
                        "cookie": lua_string(session["cookie"]),
                        "csrf": lua_string(session["csrf"]),
                        "offset": secrets.randbelow(setup["holders"]),
                        "threads": conns,
                        "type_code": setup["type_code"],
                        "today": time.strftime("%Y-%m-%d"),
                        "prefix": prefix[run_name],
                        "warmup_prefix": prefix["warm-up"],
                        "replayed": REPLAYED,
                        "stats": lua_string(str(stats)),
                        "started_at": f"{time.time():.3f}",
                        "size": BATCH_ITEMS,
                        "duration": duration,
                    }
                    # a batch is answered in seconds with 16 in flight: past wrk's default 2 s timeout
                    figures = wrk(text, key, conns, conns, duration, base, "" if key == "issue" else BATCH_TIMEOUT)
                    if key != "issue" and run_name == "warm-up":
                        time.sleep(3)  # the warm-up's last batches finish before the measured window opens
                time.sleep(1 if key == "issue" else 3)  # the request in flight when wrk stopped may still be committing
                issuance = checks[key] = json.loads(
                    run(
                        [str(BIN / "python"), "bench/licenses_bench.py", "check", str(stats)],
                        env,
                        stdout=subprocess.PIPE,
                        text=True,
                    ).stdout
                )
                if key == "issue":
                    new_per_s = (issuance["keys_sent"] - issuance["unconfirmed_keys"]) / args.duration
                else:  # licences created in the measured window (a batch takes seconds: see the check)
                    new_per_s = issuance["created_in_window"] / args.duration
                figures.update(
                    new_licences_per_s=round(new_per_s, 1),
                    replayed_share=REPLAYED,
                    duplicates=issuance["duplicates"],
                )
                met = check(new_per_s) and issuance["duplicates"] == 0
                if key == "issue":
                    print(
                        f"issuance: {issuance['licences']:,} licences for {issuance['keys_sent']:,} keys sent "
                        f"({new_per_s:.0f} new/s), {issuance['replays']:,} replays "
                        f"({issuance['replays_answered_same']:,} answered 200 with the same licence), "
                        f"{issuance['unconfirmed_keys']} keys unconfirmed (error or in flight at the stop), "
                        f"of them {issuance['unconfirmed_stored']} stored; duplicates: {issuance['duplicates']}",
                        flush=True,
                    )
                else:
                    # an item answered with an error is an error of the row, as a non-2xx answer is
                    figures["errors"] += issuance["item_errors"]
                    figures.update(items_per_request=BATCH_ITEMS, item_errors=issuance["item_errors"])
                    print(
                        f"batch issuance: {issuance['licences']:,} licences for {issuance['keys_sent']:,} keys "
                        f"sent in {issuance['requests'] - issuance['replays']:,} batches of {BATCH_ITEMS}, "
                        f"{issuance['created_in_window']:,} of them created in the {args.duration} s window "
                        f"({new_per_s:.0f} new/s), {issuance['replays']:,} batches replayed "
                        f"({issuance['replays_answered_same']:,} of their {issuance['replayed_items']:,} items "
                        f"answered \"replayed\" with the same licence), {issuance['item_errors']} items answered "
                        f"with an error, {issuance['unconfirmed_keys']} keys unconfirmed (error or in flight at "
                        f"the stop), of them {issuance['unconfirmed_stored']} stored; "
                        f"duplicates: {issuance['duplicates']}",
                        flush=True,
                    )
                if issuance["duplicates"]:
                    print(
                        f"DUPLICATE LICENCES: {json.dumps(issuance['problems'])}", file=sys.stderr, flush=True
                    )
        finally:
            stop_server(server)
        figures.update(name=name, target=target, meets_target=bool(met) and figures["errors"] == 0)
        results["scenarios"].append(figures)
    return checks


def _citizen_session(base: str, user: dict) -> dict:
    """A signed-in applicant's cookies and CSRF token (the password sign-in form; citizens have no
    second factor at this assurance level)."""
    import httpx

    client = httpx.Client(base_url=base, follow_redirects=False, timeout=30)
    client.get("/account/login/")
    signed_in = client.post("/account/login/", data={
        "csrfmiddlewaretoken": client.cookies.get("csrftoken") or "", "tab": "password", "action": "password",
        "identifier": user["identifier"], "password": user["password"], "next": "/",
    })
    session, csrf = client.cookies.get("sessionid"), client.cookies.get("csrftoken")
    if signed_in.status_code != 302 or not session or not csrf:
        raise SystemExit(f"bench applicant sign-in failed for {user['identifier']}: {signed_in.status_code}")
    return {"cookie": f"sessionid={session}; csrftoken={csrf}", "csrf": csrf}


def _probe(base: str, method: str, path: str, cookie: str, **kwargs) -> tuple[int, str]:
    """One request before the run: wrk counts a 3xx (a sign-in redirect) as a success."""
    import httpx

    response = httpx.request(method, base + path, headers={"Cookie": cookie, **kwargs.pop("headers", {})},
                             follow_redirects=False, timeout=30, **kwargs)
    return response.status_code, response.text[:300]


class _ProbeFailed(Exception):
    def __init__(self, status: int, text: str) -> None:
        super().__init__(status)
        self.status, self.text = status, text


def run_case_scenarios(servers, env: dict, setup: dict, args, tmp: str, results: dict) -> dict:
    """The three 办件 rows, each on a server of its own; the submission row checked on the database."""
    sys.path.insert(0, str(ROOT / "bench"))
    import licenses_load

    start_server, stop_server = servers

    wrk = functools.partial(run_wrk, tmp=tmp)

    checks: dict = {}
    for name, key, target, check in CASE_SCENARIOS:
        server, base = start_server()
        try:
            if key == "case_submit":
                sessions = [_citizen_session(base, user) for user in setup["submitters"][: args.connections]]
                conns = len(sessions)
                form = json.dumps(setup["form"], ensure_ascii=True)
                probe_key = f"bench-probe-{secrets.token_hex(4)}"
                status, text = _probe(
                    base, "POST", CASE_SUBMIT_PATH, sessions[0]["cookie"],
                    headers={"X-CSRFToken": sessions[0]["csrf"], "Idempotency-Key": probe_key,
                             "Content-Type": "application/json"},
                    content=f'{{"item_id": {setup["item_id"]}, "idempotency_key": "{probe_key}", "form_data": {form}}}',
                )
                prefix = {"warm-up": f"bench-w{secrets.token_hex(3)}-", "measure": f"bench-{secrets.token_hex(3)}-"}
                if status >= 300:
                    raise _ProbeFailed(status, text)
                for run_name, duration in (("warm-up", 3), ("measure", args.duration)):
                    text_lua = CASE_SUBMIT_LUA % {
                        "sessions": ", ".join(f"{{{lua_string(x['cookie'])}, {lua_string(x['csrf'])}}}" for x in sessions),
                        "prefix": prefix[run_name], "path": CASE_SUBMIT_PATH, "item_id": setup["item_id"],
                        "form": form.replace("\\", "\\\\"),  # inside a single-quoted Lua string
                    }
                    figures = wrk(text_lua, key, conns, conns, duration, base)
                time.sleep(1)  # the request in flight when wrk stopped may still be committing
                counted = json.loads(run([str(BIN / "python"), "bench/cases_bench.py", "count", prefix["measure"]],
                                         env, stdout=subprocess.PIPE, text=True).stdout)
                new_per_s = counted["cases"] / args.duration
                figures.update(new_cases_per_s=round(new_per_s, 1), duplicates=counted["keys_with_two_cases"])
                checks["submission"] = counted
                met = check(new_per_s) and counted["keys_with_two_cases"] == 0
            else:
                if key == "case_read":  # as the mobile app polls: a bearer access token from the code flow
                    import identity_load

                    token = identity_load.obtain_tokens(base, setup["app"], setup["reader"])["access_token"]
                    header, value = "Authorization", f"Bearer {token}"
                    paths = setup["read_paths_file"]
                    first = Path(paths).read_text(encoding="ascii").split()[0]
                else:
                    header, value = "Cookie", licenses_load.staff_session(base, setup["staff"])["cookie"]
                    path_file = Path(tmp) / "workbench-paths.txt"
                    # the first pages of the queue (most-visited), and a few deeper ones
                    path_file.write_text("".join(f"/cases/workbench/?page={p}\n" for p in [1] * 10 + list(range(2, 12))),
                                         encoding="ascii")
                    paths, first = str(path_file), "/cases/workbench/"
                status, text = _probe(base, "GET", first, "", headers={header: value})
                if status >= 300:
                    raise _ProbeFailed(status, text)
                text_lua = HEADER_PATHS_LUA % {"paths": lua_string(paths), "header": lua_string(header),
                                               "value": lua_string(value)}
                wrk(text_lua, key, 2, args.connections, 3, base)  # warm-up
                figures = wrk(text_lua, key, 2, args.connections, args.duration, base)
                met = check(figures["requests_per_s"], figures["p50_ms"], figures["p99_ms"])
            figures["probe_status"] = status
        except _ProbeFailed as failed:  # not measured: wrk would count a redirect or an error page
            print(f"{name}: not measured, the probe request was answered {failed.status}: {failed.text}",
                  file=sys.stderr, flush=True)
            figures = {"requests_per_s": 0.0, "p50_ms": 0.0, "p99_ms": 0.0, "errors": 1, "requests": 0,
                       "probe_status": failed.status, "probe_answer": failed.text}
            met = False
        finally:
            stop_server(server)
        figures.update(name=name, target=target, meets_target=bool(met) and figures["errors"] == 0)
        results["scenarios"].append(figures)
    checks["cases"] = setup["cases"]
    checks["department_cases"] = setup["department_cases"]
    return checks


def run_license_pdf(env: dict, args) -> dict:
    """Licence files (render, PAdES-sign, store) per second: bench/licenses_bench.py pdf, in process."""
    print(f"licence files: rendering and signing for {args.pdf_seconds:g} s ...", flush=True)
    out = run(
        [str(BIN / "python"), "bench/licenses_bench.py", "pdf", "--seconds", str(args.pdf_seconds)],
        env,
        stdout=subprocess.PIPE,
        text=True,
    )
    return json.loads(out.stdout)


def run_seals(env: dict, args) -> dict:
    """The seal rows (bench/seals_bench.py in its own process, with the production settings of the server)."""
    print(f"seals: signing and verifying, {args.seal_seconds:g} s per side of each row ...", flush=True)
    out = run(
        [str(BIN / "python"), "bench/seals_bench.py", "--json", "--seconds", str(args.seal_seconds)],
        env,
        stdout=subprocess.PIPE,
        text=True,
    )
    return json.loads(out.stdout)


def durability(database: str) -> dict:
    """What a committed issuance survives, said plainly beside the figure."""
    if database == "postgresql":
        note = "PostgreSQL (DATABASE_URL): each issuance commits with the server's synchronous_commit (on by default)"
    else:
        note = (
            "SQLite in WAL mode with synchronous=NORMAL (zwfw.settings): a committed issuance survives a crash "
            "of the server process, a power loss may lose the last commits before a checkpoint; "
            "set DATABASE_URL=postgresql://... to measure on PostgreSQL"
        )
    return {"database": database, "note": note}


def write_results(results: dict) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--keep", help="data directory to create once and reuse")
    parser.add_argument("--threads", type=int, default=int(os.environ.get("ZWFW_WEB_THREADS", "1")))
    parser.add_argument(
        "--only",
        choices=[key for _, key, _, _ in SCENARIOS + IDENTITY_SCENARIOS] + [SEALS, LICENSES, CASES],
        help="run one scenario (seals: all the seal rows; licenses: all the licence rows; cases: the 办件 rows)",
    )
    parser.add_argument("--cases", type=int, default=100_000, help="generated cases of the 办件 rows")
    parser.add_argument("--seal-seconds", type=float, default=3.0, help="seconds per side of each seal row")
    parser.add_argument("--pdf-seconds", type=float, default=10.0, help="seconds of the licence PDF row")
    args = parser.parse_args()
    seals_only = args.only == SEALS
    licenses_only = args.only == LICENSES
    cases_only = args.only == CASES
    only_own = licenses_only or cases_only  # rows with data of their own: no generated items
    if not seals_only and not shutil.which("wrk"):
        raise SystemExit("wrk is missing: scripts/system-deps.sh bench installs it")

    data_dir = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="zwfw-bench-"))
    data_dir.mkdir(parents=True, exist_ok=True)
    env = dict(
        os.environ,
        ZWFW_DATA_DIR=str(data_dir),
        ZWFW_SECRET_KEY=os.environ.get("ZWFW_SECRET_KEY") or secrets.token_urlsafe(48),
        ZWFW_ALLOWED_HOSTS="127.0.0.1,localhost",
        ZWFW_ACCESS_LOG="/dev/null",
        ZWFW_SECURE_COOKIES="0",  # plain HTTP on loopback: the clients must get their session cookies back
        ZWFW_LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="zwfw.settings",
    )
    env.pop("ZWFW_DEMO", None)
    env.pop("ZWFW_DEBUG", None)
    # Production settings need these keys; they are kept with the data they encrypt.
    for variable, file_name in (("ZWFW_FIELD_KEY", "field_key"), ("ZWFW_SEAL_KEK", "seal_kek")):
        key_file = data_dir / file_name
        if not os.environ.get(variable) and not key_file.exists():
            key_file.write_text(base64.b64encode(secrets.token_bytes(32)).decode())
            key_file.chmod(0o600)
    marker = data_dir / f"generated-{args.items}"
    print(f"data dir: {data_dir}  database: {env.get('DATABASE_URL', 'SQLite (WAL)')}", flush=True)
    database = "postgresql" if env.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
    if seals_only:  # no items, no server: a migrated data dir is all the seal rows need
        try:
            run([str(BIN / "zwfw"), "manage", "migrate", "--verbosity", "0"], env)
            seals = run_seals(env, args)
        finally:
            if not args.keep:
                shutil.rmtree(data_dir, ignore_errors=True)
        print()
        seals_bench.print_table(seals["operations"])
        write_results({"cpus": os.cpu_count(), "database": database, "seals": seals})
        print(
            f"\n(in process, single-threaded, {args.seal_seconds:g} s per side of each row, "
            f"{os.cpu_count()} CPUs; bench/results/latest.json)"
        )
        return 0
    if licenses_only:  # neither the generated items nor the identity accounts
        run([str(BIN / "zwfw"), "manage", "migrate", "--verbosity", "0"], env)
    elif cases_only:  # the demo catalogue (the cases are of its items), no generated items
        run([str(BIN / "zwfw"), "manage", "migrate", "--verbosity", "0"], env)
        if not (data_dir / "seeded").exists() and not marker.exists():
            run([str(BIN / "zwfw"), "seed"], env, stdout=subprocess.DEVNULL)
            (data_dir / "seeded").touch()
    elif not marker.exists():
        run([str(BIN / "zwfw"), "manage", "migrate", "--verbosity", "0"], env)
        run([str(BIN / "zwfw"), "seed"], env, stdout=subprocess.DEVNULL)
        print(f"generating {args.items:,} implementation items ...", flush=True)
        started = time.monotonic()
        run([str(BIN / "python"), "bench/generate.py", str(args.items)], env)
        print(f"  done in {time.monotonic() - started:.0f} s", flush=True)
        marker.touch()
    if not only_own:
        paths = json.loads(
            run(
                [str(BIN / "python"), "bench/generate.py", "--sample", "3000"], env, capture_output=True
            ).stdout
        )
        identity_setup = json.loads(
            run([str(BIN / "python"), "bench/identity_setup.py"], env, capture_output=True).stdout
        )
    with_licenses = not args.only or licenses_only
    if with_licenses:
        print("licences: types, department, seal, approver, holders ...", flush=True)
        license_setup = json.loads(
            run([str(BIN / "python"), "bench/licenses_bench.py", "setup"], env, stdout=subprocess.PIPE).stdout
        )

    with_cases = not args.only or cases_only
    if with_cases:
        print(f"cases: forms, bench item, applicants, staff, {args.cases:,} generated cases ...", flush=True)
        started = time.monotonic()
        case_setup = json.loads(
            run([str(BIN / "python"), "bench/cases_bench.py", "setup", "--cases", str(args.cases)], env,
                stdout=subprocess.PIPE).stdout
        )
        print(f"  ready in {time.monotonic() - started:.0f} s ({case_setup['cases']:,} cases)", flush=True)

    serve_env = dict(
        env,
        ZWFW_WEB_WORKERS=str(args.workers),
        ZWFW_WEB_THREADS=str(args.threads),
    )

    def start_server(extra_env: dict | None = None) -> tuple[subprocess.Popen, str]:
        port = free_port()
        process = subprocess.Popen(
            [str(BIN / "zwfw"), "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=dict(serve_env, **(extra_env or {})),
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        wait_ready(f"{base}/api/v1/catalog/topics")
        return process, base

    def stop_server(process: subprocess.Popen) -> None:
        process.terminate()
        process.wait(timeout=30)

    results = {
        "items": args.items,
        "connections": args.connections,
        "duration_s": args.duration,
        "server": "granian",
        "workers": args.workers,
        "threads": args.threads,
        "cpus": os.cpu_count(),
        "database": database,
        "scenarios": [],
    }
    server = None
    try:
        with tempfile.TemporaryDirectory() as tmp:
            if not only_own:
                server, base = start_server()
            for name, key, target, check in SCENARIOS if not only_own else []:
                if args.only and key != args.only:
                    continue
                path_file = Path(tmp) / f"{key}.txt"
                path_file.write_text("\n".join(paths[key]) + "\n", encoding="utf-8")
                script = Path(tmp) / f"{key}.lua"
                script.write_text(LUA % path_file, encoding="utf-8")
                wrk = ["wrk", "-t2", f"-c{args.connections}", "--latency", "-s", str(script)]
                subprocess.run([*wrk, "-d3s", base], check=True, capture_output=True)  # warm-up
                out = subprocess.run(
                    [*wrk, f"-d{args.duration}s", base], check=True, capture_output=True, text=True
                )
                figures = parse_wrk(out.stdout)
                figures.update(
                    name=name,
                    target=target,
                    distinct_paths=len(paths[key]),
                    meets_target=bool(check(figures["requests_per_s"], figures["p50_ms"], figures["p99_ms"]))
                    and figures["errors"] == 0,
                )
                results["scenarios"].append(figures)
            if not args.only or args.only in {key for _, key, _, _ in IDENTITY_SCENARIOS}:
                # A server of their own: fresh workers, so that the catalogue scenarios' caches and
                # connections do not carry into these measurements.
                stop_server(server)
                server, base = start_server()
                run_identity_scenarios(base, identity_setup, args, tmp, results)
            if server is not None:
                stop_server(server)  # the rows below start their own; the in-process rows need the CPUs
                server = None
            if with_licenses:
                issuance_checks = run_license_scenarios(
                    (start_server, stop_server), env, license_setup, args, tmp, results
                )
            if with_cases:
                case_checks = run_case_scenarios((start_server, stop_server), env, case_setup, args, tmp, results)
        if not args.only:
            results["seals"] = run_seals(env, args)
        if with_licenses:
            results["licenses"] = {
                "issuance_check": issuance_checks.get("issue", {}),
                "batch_issuance_check": issuance_checks.get("issue_batch", {}),
                "durability": durability(database),
                "pdf": run_license_pdf(env, args),
            }
    finally:
        if server is not None:
            stop_server(server)
        if not args.keep:
            shutil.rmtree(data_dir, ignore_errors=True)

    print()
    width = max([26] + [len(s["name"]) for s in results["scenarios"]])
    print(f"{'scenario':<{width}} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}  target")
    for s in results["scenarios"]:
        verdict = "met" if s["meets_target"] else "MISSED"
        if "new_licences_per_s" in s:
            verdict += f" ({s['new_licences_per_s']:.0f} new/s, duplicates: {s['duplicates']})"
        if "new_cases_per_s" in s:
            verdict += f" ({s['new_cases_per_s']:.0f} new/s, duplicates: {s['duplicates']})"
        print(
            f"{s['name']:<{width}} {s['requests_per_s']:>9.0f} {s['p50_ms']:>8.1f} {s['p99_ms']:>8.1f} "
            f"{s['errors']:>7}  {s['target']} — {verdict}"
        )
    if with_cases:
        results["cases"] = {"checks": case_checks, "durability": durability(database)}
    if "licenses" in results:
        pdf = results["licenses"]["pdf"]
        print(
            f"{'licence PDF, in process':<{width}} {pdf['files_per_s']:>9.1f} {pdf['p50_ms']:>8.1f} {pdf['p99_ms']:>8.1f} "
            f"{0:>7}  reported: render + PAdES seal + store, one process ({pdf['files']} files)"
        )
        print(f"\ndurability: {results['licenses']['durability']['note']}")
    if "seals" in results:
        print()
        seals_bench.print_table(results["seals"]["operations"])
    write_results(results)
    print(
        f"\n({f'{args.items:,} items' if not only_own else 'no generated items'}, "
        + (f"{case_setup['cases']:,} cases, " if with_cases else "")
        + f"{args.connections} connections, {args.duration} s each, "
        f"{args.workers} granian workers x {args.threads} threads, {os.cpu_count()} CPUs"
        + (f"; seals in process, {args.seal_seconds:g} s per side of each row" if "seals" in results else "")
        + (f"; licence PDF row in process, {args.pdf_seconds:g} s" if "licenses" in results else "")
        + "; bench/results/latest.json)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

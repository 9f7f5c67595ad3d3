#!/usr/bin/env python3
"""quire and Codex CLI side by side, against one model server on 127.0.0.1.

Both agents talk to the same small OpenAI Responses server started here
(it answers every request with a short text and records each request's
body and arrival time), in the same throwaway git repository, with their
homes in a temporary folder. Measured:

  plain     one `exec` task: the first request's bytes (tools, system
            text, messages), wall time, time until the request arrived,
            peak memory (maximum resident set, from /usr/bin/time)
  skills    the 523 real skills of ../shared/data/real-skills installed
            for both: the first request's bytes, how many skills it
            names, and for each labelled message of a set whether the
            expected skill is named in the request at all
  mcp       one MCP server (the reference `everything` server, installed
            by scripts/test): the first request's tools
  session   five messages (`exec`, then `exec resume --last` four times):
            the bytes of each request, the share of each request that is
            a prefix of the one before (what a provider's cache reuses),
            and the input cost at GPT-5's list prices with caching

Usage: scripts/compare-codex.py [--quire BIN] [--codex BIN] [--set FILE]
                                [--messages N]
The Codex binary defaults to target/codex-cli (npm install of
@openai/codex, done here when missing); quire to target/release/quire,
else target/debug/quire. Nothing is sent anywhere but 127.0.0.1.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKILLS = ROOT.parent / "shared" / "data" / "real-skills"
DEFAULT_SET = ROOT / "host/tests/suite/skills_select/real-heldout.json"
# GPT-5 list prices per million input tokens, uncached and cached.
PRICE, PRICE_CACHED = 1.25, 0.125


class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.requests = []

    def take(self):
        with self.lock:
            out, self.requests = self.requests, []
        return out


def serve(recorder):
    def event(name, obj):
        return f"event: {name}\ndata: {json.dumps(obj)}\n\n".encode()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def do_GET(self):
            body = json.dumps({"object": "list", "data": [{"id": "m1", "object": "model"}]}).encode()
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self):
            size = int(self.headers.get("content-length", 0))
            raw = self.rfile.read(size)
            with recorder.lock:
                recorder.requests.append({"at": time.monotonic(), "raw": raw})
                n = len(recorder.requests)
            text = f"done {n}"
            msg = {"type": "message", "id": f"msg_{n}", "role": "assistant", "status": "completed",
                   "content": [{"type": "output_text", "text": text, "annotations": []}]}
            usage = {"input_tokens": size // 4, "input_tokens_details": {"cached_tokens": 0},
                     "output_tokens": 3, "output_tokens_details": {"reasoning_tokens": 0},
                     "total_tokens": size // 4 + 3}
            self.send_response(200)
            self.send_header("content-type", "text/event-stream")
            self.send_header("connection", "close")
            self.end_headers()
            for chunk in [
                event("response.created", {"type": "response.created",
                                           "response": {"id": f"r{n}", "status": "in_progress", "output": []}}),
                event("response.output_item.added", {"type": "response.output_item.added", "output_index": 0,
                                                     "item": dict(msg, status="in_progress", content=[])}),
                event("response.output_text.delta", {"type": "response.output_text.delta", "item_id": msg["id"],
                                                     "output_index": 0, "content_index": 0, "delta": text}),
                event("response.output_item.done", {"type": "response.output_item.done", "output_index": 0,
                                                    "item": msg}),
                event("response.completed", {"type": "response.completed",
                                             "response": {"id": f"r{n}", "status": "completed",
                                                          "output": [msg], "usage": usage}}),
            ]:
                self.wfile.write(chunk)
            self.wfile.flush()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def codex_binary(given):
    if given:
        return str(Path(given).resolve())
    prefix = ROOT / "target" / "codex-cli"
    binary = prefix / "node_modules" / ".bin" / "codex"
    if not binary.exists():
        prefix.mkdir(parents=True, exist_ok=True)
        print("installing @openai/codex into", prefix, file=sys.stderr)
        subprocess.run(["npm", "install", "--prefix", str(prefix), "--no-audit", "--no-fund",
                        "@openai/codex"], check=True, stdout=subprocess.DEVNULL)
    return str(binary)


def quire_binary(given):
    if given:
        return str(Path(given).resolve())
    for profile in ("release", "debug"):
        binary = ROOT / "target" / profile / "quire"
        if binary.exists():
            return str(binary)
    sys.exit("no quire binary: run `cargo build --release -p quire` (or pass --quire BIN)")


class Agent:
    """One agent's home, config and command lines."""

    def __init__(self, name, binary, home, port, skills, mcp=None):
        self.name, self.binary, self.home = name, binary, home
        home.mkdir(parents=True)
        if name == "codex":
            config = (f'model = "m1"\nmodel_provider = "local"\n[model_providers.local]\nname = "local"\n'
                      f'base_url = "http://127.0.0.1:{port}/v1"\nwire_api = "responses"\nenv_key = "LOCAL_KEY"\n')
            self.env_home = {"CODEX_HOME": str(home)}
        else:
            config = (f'model = "m1"\nprovider = "local"\n[providers.local]\n'
                      f'base_url = "http://127.0.0.1:{port}/v1"\nwire_api = "responses"\n'
                      f'api_key_env = "LOCAL_KEY"\n')
            self.env_home = {"QUIRE_HOME": str(home)}
        if skills:
            # One folder per skill, as both agents' user skill folders hold them.
            for i, manifest in enumerate(sorted(skills.rglob("SKILL.md"))):
                shutil.copytree(manifest.parent, home / "skills" / f"{i:03}-{manifest.parent.name}")
            if name == "quire":
                config += f'[skills]\npaths = ["{home / "skills"}"]\n'
        if mcp:
            config += f'[mcp_servers.everything]\ncommand = "{mcp}"\n'
        (home / "config.toml").write_text(config)

    def exec_args(self, message, resume):
        if self.name == "codex":
            head = [self.binary, "exec", "--skip-git-repo-check"]
            return head + (["resume", "--last", message] if resume else [message])
        head = [self.binary, "exec"]
        return head + (["resume", "--last", message] if resume else [message])

    def run(self, repo, message, resume=False):
        env = dict(os.environ, LOCAL_KEY="x", **self.env_home)
        env.pop("OPENAI_API_KEY", None)
        started = time.monotonic()
        proc = subprocess.run(["/usr/bin/time", "-f", "%M"] + self.exec_args(message, resume), cwd=repo,
                              env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120)
        wall = time.monotonic() - started
        if proc.returncode != 0:
            sys.exit(f"{self.name} failed ({proc.returncode}): {proc.stderr[-2000:]}")
        rss_kb = int(proc.stderr.strip().splitlines()[-1])
        return started, wall, rss_kb


def parts(raw):
    body = json.loads(raw)
    tools = len(json.dumps(body.get("tools", [])))
    system = len(body.get("instructions", "") or "")
    messages = len(json.dumps(body.get("input", [])))
    return body, tools, system, messages


def canonical(raw):
    """The bytes in the order a provider caches them: tools, instructions, input."""
    body = json.loads(raw)
    return json.dumps([body.get("tools"), body.get("instructions"), body.get("input")],
                      sort_keys=True, separators=(",", ":")).encode()


def common_prefix(a, b):
    n = min(len(a), len(b))
    i = 0
    while i < n and a[i] == b[i]:
        i += 1
    return i


def heading(title, columns):
    """A Markdown section with a table's header row."""
    print(f"\n## {title}\n")
    print("| " + " | ".join(columns) + " |")
    print("|" + "---|" * len(columns))


def make_repo(root):
    repo = root / "repo"
    (repo / "src").mkdir(parents=True)
    (repo / "src" / "main.rs").write_text('fn main() {\n    let tmp = 1;\n    println!("{tmp}");\n}\n')
    (repo / "README.md").write_text("# demo\n")
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    subprocess.run(["git", "init", "-q", str(repo)], check=True, **quiet)
    subprocess.run(["git", "-C", str(repo), "add", "."], check=True, **quiet)
    subprocess.run(["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "init"],
                   check=True, **quiet)
    return repo


def plain(agents, recorder, repo):
    heading("One task, no extensions (`exec \"rename tmp to buffer in src/main.rs\"`)",
            ["agent", "request bytes", "tools", "system text", "messages", "until the request", "wall",
             "peak RSS"])
    for agent in agents:
        recorder.take()
        started, wall, rss = agent.run(repo, "rename the variable tmp to buffer in src/main.rs")
        requests = recorder.take()
        first = requests[0]
        _, tools, system, messages = parts(first["raw"])
        print(f"| {agent.name} | {len(first['raw']):,} | {tools:,} | {system:,} | {messages:,} | "
              f"{(first['at'] - started) * 1000:.0f} ms | {wall * 1000:.0f} ms | {rss / 1024:.0f} MB |")


def skills(agents, recorder, repo, labelled, limit):
    cases = [c for c in json.loads(Path(labelled).read_text())
             if (c.get("expect") or c.get("any")) and not c.get("previous")][:limit]
    heading(f"523 real skills installed ({len(cases)} labelled messages of {Path(labelled).name})",
            ["agent", "first request bytes (median)", "skills part", "expected skill named in the request"])
    for agent in agents:
        sizes, skill_parts, named = [], [], 0
        for case in cases:
            recorder.take()
            agent.run(repo, case["message"])
            raw = recorder.take()[0]["raw"]
            sizes.append(len(raw))
            skill_parts.append(skills_part(json.loads(raw)))
            text = raw.decode(errors="replace")
            wanted = case.get("expect") or case.get("any")
            if any(re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text) for name in wanted):
                named += 1
        print(f"| {agent.name} | {median(sizes):,} | {median(skill_parts):,} | {named} of {len(cases)} "
              f"({named / len(cases):.2f}) |")


def median(values):
    return sorted(values)[len(values) // 2]


def skills_part(body):
    """The bytes of the input items that list skills (Codex's skills
    instructions, quire's per-message catalog)."""
    total = 0
    for item in body.get("input", []):
        text = json.dumps(item)
        if "<skills_instructions>" in text or '"# Skills' in text:
            total += len(text)
    return total


def mcp_tools(agents, recorder, repo):
    heading("One MCP server (the reference `everything` server, 13 tools), `exec \"say hi\"`",
            ["agent", "request bytes", "tools part", "tools sent"])
    for agent in agents:
        recorder.take()
        agent.run(repo, "say hi")
        body, tools, _, _ = parts(recorder.take()[0]["raw"])
        names = [t.get("name", t.get("type")) for t in body.get("tools", [])]
        listed = sum(len(t.get("tools", [])) or 1 for t in body.get("tools", []))
        print(f"| {agent.name} | {len(json.dumps(body)):,} | {tools:,} | {listed} ({len(names)} entries) |")


def session(agents, recorder, repo):
    messages = ["what does src/main.rs do?", "rename tmp to buffer there", "also add a doc comment",
                "now write a test for it", "summarise what we changed"]
    heading("Five messages in one session (`exec`, then `exec resume --last` ×4)",
            ["agent", "bytes per request", "total input", "share that is a prefix of the previous request",
             "est. input cost, GPT-5, no cache", "with cache"])
    for agent in agents:
        recorder.take()
        for i, message in enumerate(messages):
            agent.run(repo, message, resume=i > 0)
        requests = recorder.take()
        sizes = [len(r["raw"]) for r in requests]
        canon = [canonical(r["raw"]) for r in requests]
        shares, extended, uncached, cached_cost = [], 0, 0.0, 0.0
        for i, body in enumerate(canon):
            tokens = len(body) / 4
            uncached += tokens * PRICE / 1e6
            reused = 0
            if i > 0:
                shared = common_prefix(canon[i - 1], body)
                shares.append(shared / len(body))
                # The previous request's bytes less its closing brackets.
                extended += shared >= len(canon[i - 1]) - 3
                reused = (shared // 4 // 128) * 128 if tokens >= 1024 else 0
            cached_cost += (reused * PRICE_CACHED + (tokens - reused) * PRICE) / 1e6
        print(f"| {agent.name} | {' / '.join(f'{s:,}' for s in sizes)} | {sum(sizes):,} | "
              f"{' / '.join(f'{s:.3f}' for s in shares)} ({extended} of {len(shares)} extend it whole) | "
              f"${uncached:.4f} | ${cached_cost:.4f} |")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quire")
    parser.add_argument("--codex")
    parser.add_argument("--set", default=str(DEFAULT_SET), help="labelled messages (quire's eval JSON)")
    parser.add_argument("--messages", type=int, default=40, help="labelled messages to send per agent")
    args = parser.parse_args()
    if not SKILLS.is_dir():
        sys.exit(f"{SKILLS} is missing: the skills scenario reads ../shared beside the repository")
    recorder = Recorder()
    server = serve(recorder)
    port = server.server_address[1]
    with tempfile.TemporaryDirectory(prefix="quire-vs-codex-") as tmp:
        root = Path(tmp)
        repo = make_repo(root)
        bins = {"quire": quire_binary(args.quire), "codex": codex_binary(args.codex)}
        versions = {name: subprocess.run([b, "--version"], capture_output=True, text=True).stdout.strip()
                    for name, b in bins.items()}
        print(f"# quire vs Codex CLI ({versions['quire']} · {versions['codex']})")
        bare = [Agent(name, b, root / f"{name}-home", port, None) for name, b in bins.items()]
        plain(bare, recorder, repo)
        session(bare, recorder, repo)
        everything = ROOT / "host/tests/mcp-peers/node_modules/.bin/mcp-server-everything"
        if everything.exists():
            served = [Agent(name, b, root / f"{name}-mcp", port, None, everything) for name, b in bins.items()]
            mcp_tools(served, recorder, repo)
        else:
            print(f"\n(MCP part skipped: {everything} is missing; `scripts/test` installs it)")
        loaded = [Agent(name, b, root / f"{name}-skills", port, SKILLS) for name, b in bins.items()]
        skills(loaded, recorder, repo, args.set, args.messages)
    server.shutdown()


if __name__ == "__main__":
    main()

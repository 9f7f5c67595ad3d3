#!/usr/bin/env node
// Records the tools/list of real MCP servers from npm as a JSON fixture for
// the tool-selection evaluation (host/tests/fixtures/mcp-tools/servers.json).
//
// Usage: install the servers into a folder, then run this from there:
//   mkdir /tmp/mcp && cd /tmp/mcp && npm init -y
//   PUPPETEER_SKIP_DOWNLOAD=1 npm install --ignore-scripts <packages below>
//   node /path/to/scripts/mcp-tool-fixtures.mjs | python3 -c "import json,sys; json.dump(json.load(sys.stdin), sys.stdout, separators=(',', ':'), ensure_ascii=False)" > servers.json
//
// Each server is started over stdio only (initialize, tools/list), with no
// credentials; listing tools needs no network for these servers.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const dir = process.cwd();
const bin = (name) => join(dir, "node_modules", ".bin", name);

// server name in quire (mcp__NAME__tool), package, how to start it.
const SERVERS = [
  ["filesystem", "@modelcontextprotocol/server-filesystem", [bin("mcp-server-filesystem"), dir]],
  ["memory", "@modelcontextprotocol/server-memory", [bin("mcp-server-memory")]],
  ["github", "@modelcontextprotocol/server-github", [bin("mcp-server-github")]],
  ["playwright", "@playwright/mcp", [bin("playwright-mcp")]],
  ["chrome_devtools", "chrome-devtools-mcp", [bin("chrome-devtools-mcp")]],
  ["desktop_commander", "@wonderwhy-er/desktop-commander", [bin("desktop-commander")]],
  ["mongodb", "mongodb-mcp-server", [bin("mongodb-mcp-server")]],
  ["notion", "@notionhq/notion-mcp-server", [bin("notion-mcp-server")]],
  ["kubernetes", "mcp-server-kubernetes", [bin("mcp-server-kubernetes")]],
  ["context7", "@upstash/context7-mcp", [bin("context7-mcp")]],
  ["sequential_thinking", "@modelcontextprotocol/server-sequential-thinking", [bin("mcp-server-sequential-thinking")]],
];

function version(pkg) {
  const p = JSON.parse(readFileSync(join(dir, "node_modules", pkg, "package.json"), "utf8"));
  return p.version;
}

function list(cmd) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd[0], cmd.slice(1), {
      stdio: ["pipe", "pipe", "ignore"],
      env: { PATH: process.env.PATH, HOME: process.env.HOME, DO_NOT_TRACK: "1" },
    });
    let buf = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${cmd[0]}: no tools/list answer in 60 s`));
    }, 60000);
    const send = (m) => child.stdin.write(JSON.stringify(m) + "\n");
    child.stdout.on("data", (d) => {
      buf += d;
      let nl;
      while ((nl = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, nl).trim();
        buf = buf.slice(nl + 1);
        if (!line.startsWith("{")) continue;
        const msg = JSON.parse(line);
        if (msg.id === 1) {
          send({ jsonrpc: "2.0", method: "notifications/initialized" });
          send({ jsonrpc: "2.0", id: 2, method: "tools/list" });
        } else if (msg.id === 2) {
          clearTimeout(timer);
          child.kill("SIGKILL");
          resolve(msg.result.tools);
        }
      }
    });
    child.on("error", reject);
    send({
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: {
        protocolVersion: "2025-06-18",
        capabilities: {},
        clientInfo: { name: "quire-fixtures", version: "0" },
      },
    });
  });
}

const out = [];
for (const [name, pkg, cmd] of SERVERS) {
  try {
    const tools = await list(cmd);
    out.push({ server: name, package: pkg, version: version(pkg), tools });
    process.stderr.write(`${name}: ${tools.length} tools\n`);
  } catch (e) {
    process.stderr.write(`${name}: skipped (${e.message})\n`);
  }
}
process.stdout.write(JSON.stringify(out, null, 1) + "\n");

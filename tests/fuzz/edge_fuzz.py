#!/usr/bin/env python3
"""Malformed and edge-case bodies for every documented POST route of a running
`selfheal --role all`: no answer may be a 5xx (the simulated provider never fails, so even the
documented 502/503/504 must not occur), every answer must be JSON with an error object naming
something when it is a 4xx, and the server must still answer /health afterwards.

The routes and their body schemas are read from the served /openapi.json, so a new route is
fuzzed without editing this file. Deterministic (seeded), standard library only. Prints its
numbers and a final "N passed, M failed" line.
"""
import argparse
import http.client
import json
import random
import sys

HUGE = "x" * (1 << 20)  # 1 MiB, above any documented field limit


def request(port, method, path, body, content_type="application/json", timeout=60):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        headers = {"Content-Type": content_type} if content_type else {}
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def resolve(schema, document):
    while isinstance(schema, dict) and "$ref" in schema:
        name = schema["$ref"].split("/")[-1]
        schema = document["components"]["schemas"][name]
    return schema


# Values the server accepts for fields whose schema alone does not say (a task type must be a
# configured one): the base body must be valid, or every mutation stops at the first check.
KNOWN_VALID = {
    "task_type": "code_generation",
    "model": "code_generation",
    "language": "python",
    "user_input": "Write a fibonacci function",
    "output": "```python\ndef fib(n: int) -> int:\n    return n if n < 2 else fib(n - 1) + fib(n - 2)\n```",
    "messages": [{"role": "user", "content": "Write a fibonacci function"}],
    "text": "You are a careful Python programmer.",
    "status": "canary",
}


def sample_value(schema, document, rng, name=None):
    """A valid value for a property schema (the base that mutations break)."""
    if name in KNOWN_VALID:
        return KNOWN_VALID[name]
    schema = resolve(schema, document)
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "string")
    if "enum" in schema:
        return schema["enum"][0]
    if kind == "integer":
        return 1
    if kind == "number":
        return 0.5
    if kind == "boolean":
        return True
    if kind == "array":
        return [sample_value(schema.get("items", {"type": "string"}), document, rng)]
    if kind == "object":
        return {k: sample_value(v, document, rng, k) for k, v in schema.get("properties", {}).items() if k in schema.get("required", [])}
    return "Write a fibonacci function"


def weird_values():
    return [
        None, True, False, 0, -1, 2**63, -(2**63) - 1, 1e308, -1e308, 1.5, "", " ", "\u0000", "\ud7ff\ue000",
        "😀" * 1000, "a\nb\r\nc\t", "' OR 1=1 --", "<script>alert(1)</script>", "../../etc/passwd",
        "%s%n%x", "${jndi:ldap://127.0.0.1/a}", "-- lua: os.exit()", "\\", "\"", [], {}, [None], {"": None},
        [[[[[[[[[[]]]]]]]]]], HUGE, "9" * 400, "NaN", "Infinity", "code_generation\u0000",
    ]


def raw_bodies():
    """Bodies that are not a JSON object at all, or not JSON."""
    return [
        (b"", "application/json"),
        (b"{", "application/json"),
        (b"not json", "application/json"),
        (b"null", "application/json"),
        (b"[]", "application/json"),
        (b"42", "application/json"),
        (b"\"string\"", "application/json"),
        (b"\xff\xfe\x00garbage", "application/json"),
        (b"{\"user_input\": \"\xff\xfe\"}", "application/json"),
        (b"{\"user_input\": \"a\"}", "text/plain"),
        (b"{\"user_input\": \"a\"}", None),
        (b"{\"user_input\": NaN}", "application/json"),
        (b"{\"user_input\": \"a\", \"user_input\": 5}", "application/json"),
        (b"[" * 100000 + b"]" * 100000, "application/json"),
        (b"{\"a\":" * 5000 + b"1" + b"}" * 5000, "application/json"),
        (json.dumps({"user_input": HUGE * 20}).encode(), "application/json"),
        (b"{\"user_input\": \"\\ud800\"}", "application/json"),
        (b"{\"user_input\": \"a\"} trailing", "application/json"),
    ]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--per-route", type=int, default=60, help="random mutations per route, besides the fixed cases")
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument("--exclude", action="append", default=[], help="a documented path to leave out")
    args = parser.parse_args()
    rng = random.Random(args.seed)

    status, raw = request(args.port, "GET", "/openapi.json", None, content_type=None)
    if status != 200:
        print(f"fuzz: GET /openapi.json answered {status}")
        print("0 passed, 1 failed")
        return 1
    document = json.loads(raw)

    routes = []
    for path, operations in sorted(document["paths"].items()):
        post = operations.get("post")
        if not post or path in args.exclude:
            continue
        schema = (((post.get("requestBody") or {}).get("content") or {}).get("application/json") or {}).get("schema") or {}
        routes.append((path, resolve(schema, document)))

    total = 0
    failures = []

    class ServerDown(Exception):
        pass

    def alive():
        try:
            return request(args.port, "GET", "/health", None, content_type=None, timeout=10)[0]
        except Exception:
            return 0

    def send(path, body, content_type="application/json"):
        nonlocal total
        concrete = path.replace("{id}", str(rng.choice([1, 2, 0, -1, 999999999])))
        total += 1
        try:
            status, data = request(args.port, "POST", concrete, body, content_type)
        except Exception as error:
            down = alive() == 0
            failures.append((concrete, body[:300], f"transport error: {error}" + ("; the server is down: this request crashed it" if down else "")))
            if down:
                raise ServerDown()
            return
        if status >= 500:
            failures.append((concrete, body[:200], f"{status} {data[:300]!r}"))
        elif status >= 400:
            try:
                error = json.loads(data)["error"]
                if not error.get("code") or not error.get("message"):
                    raise ValueError("empty code or message")
            except Exception as problem:
                failures.append((concrete, body[:200], f"{status} without a JSON error object ({problem}): {data[:200]!r}"))

    try:
        fuzz_routes(routes, document, rng, send, args)
    except ServerDown:
        print("fuzz: the server went down; stopping")

    status = alive()
    print(f"fuzz: {total} requests over {len(routes)} POST routes, {len(failures)} failures; /health afterwards: {status or 'no answer'}")
    for path, body, what in failures[:20]:
        print(f"  FAIL POST {path} body {body!r}: {what}")
    checks = [not failures, status == 200]
    passed = sum(checks)
    print(f"edge fuzzer: {passed} passed, {len(checks) - passed} failed")
    return 0 if passed == len(checks) else 1


def fuzz_routes(routes, document, rng, send, args):
    for path, schema in routes:
        properties = schema.get("properties", {})
        base = sample_value(schema, document, rng) if schema else {}
        for body, content_type in raw_bodies():
            send(path, body, content_type)
        # Each field set to each weird value, the rest valid.
        for name in properties:
            for value in weird_values():
                send(path, json.dumps({**base, name: value}).encode())
        # Each required field missing; unknown fields added.
        for name in schema.get("required", []):
            send(path, json.dumps({k: v for k, v in base.items() if k != name}).encode())
        send(path, json.dumps({**base, "unexpected": {"nested": [1, 2, 3]}}).encode())
        # Random combinations of weird values.
        names = list(properties) or ["user_input"]
        for _ in range(args.per_route):
            body = dict(base)
            for name in rng.sample(names, rng.randint(1, len(names))):
                body[name] = rng.choice(weird_values())
            send(path, json.dumps(body).encode())
        print(f"fuzz: {path}: done")



if __name__ == "__main__":
    sys.exit(main())

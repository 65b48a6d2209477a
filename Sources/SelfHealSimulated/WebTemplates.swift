/// A small REST handler on the standard library's http.server: the routing is a pure function
/// (easy to test, no socket), the request handler class only adapts HTTP to it.
enum WebTemplates {
    static func restHandler(_ name: String) -> PythonModule {
        let v = PythonRenderer.validationOnly
        let bare = PythonRenderer.withoutValidationOnly
        let handle = PythonFunction(
            name: name,
            parameters: [
                PythonParameter("method", "str", "The HTTP method, e.g. \"GET\" or \"POST\"."),
                PythonParameter("path", "str", "The request path, e.g. \"/items/pen\"."),
                PythonParameter("body", "str", "The raw request body (JSON for POST).", default: "\"\""),
            ],
            returnType: "tuple[int, dict[str, Any]]",
            summary: "Route one request to the in-memory item store and build the JSON answer.",
            returnsDoc: "The HTTP status code and the JSON-serialisable response body.",
            raisesDoc: ["TypeError: If method, path or body is not a string."],
            validation: [
                "if not all(isinstance(value, str) for value in (method, path, body)):",
                "    raise TypeError(\"method, path and body must be strings\")",
            ],
            body: [
                "parts = [part for part in path.split(\"/\") if part]",
                "if not parts or parts[0] != \"items\" or len(parts) > 2:",
                "    return 404, {\"error\": \"not found\"}",
                "if method == \"GET\" and len(parts) == 1:",
                "    return 200, {\"items\": sorted(ITEMS.values(), key=lambda item: item[\"name\"])}",
                "if method == \"GET\":",
                "    item = ITEMS.get(parts[1])",
                "    return (200, item) if item is not None else (404, {\"error\": \"not found\"})",
                "if method == \"POST\" and len(parts) == 1:",
                "\(v)    try:",
                "\(v)        payload = json.loads(body or \"{}\")",
                "\(v)    except json.JSONDecodeError:",
                "\(v)        return 400, {\"error\": \"body must be valid JSON\"}",
                "\(v)    if not isinstance(payload, dict) or not isinstance(payload.get(\"name\"), str) or not payload[\"name\"]:",
                "\(v)        return 422, {\"error\": \"body must be an object with a non-empty string 'name'\"}",
                "\(bare)    payload = json.loads(body or \"{}\")",
                "    ITEMS[payload[\"name\"]] = {\"name\": payload[\"name\"]}",
                "    return 201, ITEMS[payload[\"name\"]]",
                "return 405, {\"error\": \"method not allowed\"}",
            ]
        )
        let handler = PythonClass(name: "ApiHandler", base: "BaseHTTPRequestHandler", summary: "Adapts http.server requests to \(name).", methods: [
            PythonFunction(name: "do_GET", parameters: [], returnType: "None", summary: "Answer a GET request.",
                           body: ["self._respond(*\(name)(\"GET\", self.path))"]),
            PythonFunction(name: "do_POST", parameters: [], returnType: "None", summary: "Answer a POST request with a JSON body.",
                           body: ["length = int(self.headers.get(\"Content-Length\", 0))",
                                  "body = self.rfile.read(length).decode(\"utf-8\")",
                                  "self._respond(*\(name)(\"POST\", self.path, body))"]),
            PythonFunction(name: "_respond", parameters: [PythonParameter("status", "int", "The HTTP status code."),
                                                         PythonParameter("payload", "dict[str, Any]", "The JSON body.")],
                           returnType: "None", summary: "Send payload as a JSON response.",
                           body: ["data = json.dumps(payload).encode(\"utf-8\")", "self.send_response(status)",
                                  "self.send_header(\"Content-Type\", \"application/json\")",
                                  "self.send_header(\"Content-Length\", str(len(data)))", "self.end_headers()", "self.wfile.write(data)"]),
        ])
        let serve = PythonFunction(
            name: "serve", parameters: [PythonParameter("port", "int", "The TCP port to listen on.", default: "8000")], returnType: "None",
            summary: "Serve the API on 127.0.0.1 until interrupted.",
            body: ["HTTPServer((\"127.0.0.1\", port), ApiHandler).serve_forever()"]
        )
        return PythonModule(
            imports: ["import json", "from http.server import BaseHTTPRequestHandler, HTTPServer"],
            globals: ["ITEMS⟪: dict[str, dict[str, Any]]⟫ = {}"],
            definitions: [.function(handle), .class(handler), .function(serve)], primaryName: name,
            examples: [
                .init("\(name)(\"POST\", \"/items\", '{\"name\": \"pen\"}')", "(201, {'name': 'pen'})"),
                .init("\(name)(\"GET\", \"/items/pen\")", "(200, {'name': 'pen'})"),
                .init("\(name)(\"GET\", \"/missing\")", "(404, {'error': 'not found'})"),
            ],
            invalidCalls: [.init("\(name)(\"GET\", None)", raises: "TypeError")],
            summary: "Here is a small JSON REST API on http.server: a pure routing function plus a handler class (call serve() to run it)."
        )
    }
}

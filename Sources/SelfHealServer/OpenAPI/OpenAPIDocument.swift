import Foundation

/// The OpenAPI 3.1 description of every role's API, served at `/openapi.json`. A test
/// compares its paths with the router's, so a route cannot be added without documenting it.
public enum OpenAPIDocument {
    /// (method, path, tag, summary, request schema, success status, response schema, access)
    struct Operation {
        var method: String
        var path: String
        var role: String
        var summary: String
        var body: String?
        var status: Int = 200
        var response: String = "Object"
        var access: String
        var query: [(name: String, type: String)] = []
    }

    static let operations: [Operation] = [
        .init(method: "get", path: "/health", role: "every role", summary: "Role status, store reachability, live rules version", access: "open"),
        .init(method: "get", path: "/metrics", role: "every role", summary: "Prometheus text exposition", response: "text", access: "open"),
        .init(method: "get", path: "/openapi.json", role: "every role", summary: "This document", access: "open"),
        .init(method: "post", path: "/api/v1/request", role: "manager", summary: "Generate, score and log an answer", body: "ClientRequest", response: "Answer", access: "client"),
        .init(method: "post", path: "/v1/chat/completions", role: "manager", summary: "OpenAI-compatible: the last user message is the request; model names the task type", body: "ChatCompletionRequest", access: "client"),
        .init(method: "get", path: "/v1/models", role: "manager", summary: "Task types as OpenAI models", access: "client"),
        .init(method: "get", path: "/v1/models/{model}", role: "manager", summary: "One task type as an OpenAI model", access: "client"),
        .init(method: "get", path: "/api/v1/prompts", role: "manager", summary: "Prompt versions, newest first", access: "admin", query: [("task_type", "string")]),
        .init(method: "post", path: "/api/v1/prompts", role: "manager", summary: "Write a prompt version (operator)", body: "NewPrompt", status: 201, response: "Prompt", access: "admin"),
        .init(method: "post", path: "/api/v1/prompts/rollback", role: "manager", summary: "Re-activate the previously active version", body: "Rollback", response: "Prompt", access: "admin"),
        .init(method: "get", path: "/api/v1/prompts/{id}", role: "manager", summary: "One version and its status history", access: "admin"),
        .init(method: "post", path: "/api/v1/prompts/{id}/activate", role: "manager", summary: "Make a version live", response: "Prompt", access: "admin"),
        .init(method: "get", path: "/api/v1/prompts/{id}/diff", role: "manager", summary: "Line diff against ?against= or the parent", access: "admin", query: [("against", "integer")]),
        .init(method: "get", path: "/api/v1/optimizer/runs", role: "manager", summary: "The optimizer's decisions, newest first", access: "admin", query: [("task_type", "string"), ("limit", "integer")]),
        .init(method: "post", path: "/api/v1/generate", role: "worker", summary: "Generate with the live (or pinned) prompt version", body: "GenerateRequest", access: "service"),
        .init(method: "post", path: "/api/v1/evaluate", role: "evaluator", summary: "Score an output: Lua rules + LLM judge + sandboxed tests", body: "EvaluateRequest", response: "Evaluation", access: "service"),
        .init(method: "get", path: "/api/v1/stats/summary", role: "evaluator", summary: "Totals, pass rate, scores, latency, active versions, optimizer runs", access: "reader", query: [("hours", "number")]),
        .init(method: "get", path: "/api/v1/stats/by-task-type", role: "evaluator", summary: "The summary per task type", access: "reader", query: [("hours", "number")]),
        .init(method: "get", path: "/api/v1/stats/score-distribution", role: "evaluator", summary: "Ten buckets of final scores", access: "reader", query: [("hours", "number")]),
        .init(method: "get", path: "/api/v1/stats/recent-failures", role: "evaluator", summary: "Failed requests with rule reasons and judge feedback", access: "reader", query: [("limit", "integer")]),
        .init(method: "get", path: "/api/v1/stats/prompt-performance", role: "evaluator", summary: "Per prompt version: samples, pass rate, average score", access: "reader", query: [("hours", "number")]),
        .init(method: "get", path: "/api/v1/stats/timeline", role: "evaluator", summary: "Scores per time bucket and task type, prompt status changes and optimizer decisions", access: "reader", query: [("hours", "number"), ("bucket_minutes", "integer")]),
        .init(method: "get", path: "/dashboard", role: "evaluator", summary: "The dashboard: one self-contained HTML page that reads the stats API", response: "html", access: "open"),
    ]

    /// Every documented "METHOD /path", for the test that checks the document against the routes.
    public static var documentedRoutes: Set<String> {
        Set(operations.map { "\($0.method.uppercased()) \($0.path)" })
    }

    public static let json: String = render()

    private static func render() -> String {
        var paths: [String: [String]] = [:]
        for operation in operations {
            paths[operation.path, default: []].append("\"\(operation.method)\": \(render(operation))")
        }
        let pathsJSON = paths.keys.sorted().map { path in
            "\"\(path)\": {\(paths[path]!.joined(separator: ", "))}"
        }.joined(separator: ",\n    ")
        return """
        {
          "openapi": "3.1.0",
          "info": {"title": "selfheal", "version": "\(SelfHealVersion.current)",
            "description": "Self-healing LLM code generation. One binary serves the manager, worker and evaluator roles; --role all serves every path below on one port."},
          "paths": {
            \(pathsJSON)
          },
          "components": \(OpenAPISchemas.components)
        }
        """
    }

    private static func render(_ operation: Operation) -> String {
        var parts = [
            "\"summary\": \(quoted(operation.summary))",
            "\"tags\": [\(quoted(operation.role))]",
            "\"operationId\": \(quoted(operationId(operation)))",
        ]
        var parameters: [String] = []
        for name in captures(in: operation.path) {
            let type = name == "id" ? "integer" : "string"
            parameters.append("{\"name\": \"\(name)\", \"in\": \"path\", \"required\": true, \"schema\": {\"type\": \"\(type)\"}}")
        }
        for query in operation.query {
            parameters.append("{\"name\": \"\(query.name)\", \"in\": \"query\", \"required\": false, \"schema\": {\"type\": \"\(query.type)\"}}")
        }
        if !parameters.isEmpty { parts.append("\"parameters\": [\(parameters.joined(separator: ", "))]") }
        if let body = operation.body {
            parts.append("\"requestBody\": {\"required\": true, \"content\": {\"application/json\": {\"schema\": {\"$ref\": \"#/components/schemas/\(body)\"}}}}")
        }
        parts.append(operation.access == "open" ? "\"security\": []" : "\"security\": [{\"bearer\": []}]")
        // Which credential the route takes: open, client, reader (a client key or the admin
        // token), admin or service. The router's access groups follow this; a test holds them equal.
        parts.append("\"x-access\": \"\(operation.access)\"")
        let success: String
        if operation.response == "text" || operation.response == "html" {
            let type = operation.response == "html" ? "text/html" : "text/plain"
            success = "\"\(operation.status)\": {\"description\": \"OK\", \"content\": {\"\(type)\": {\"schema\": {\"type\": \"string\"}}}}"
        } else {
            success = "\"\(operation.status)\": {\"description\": \"OK\", \"content\": {\"application/json\": {\"schema\": {\"$ref\": \"#/components/schemas/\(operation.response)\"}}}}"
        }
        let errors = ["400", "401", "404", "413", "422", "429", "502", "503", "504"].map {
            "\"\($0)\": {\"description\": \"Error\", \"content\": {\"application/json\": {\"schema\": {\"$ref\": \"#/components/schemas/Error\"}}}}"
        }
        parts.append("\"responses\": {\(([success] + (operation.access == "open" ? [] : errors)).joined(separator: ", "))}")
        return "{\(parts.joined(separator: ", "))}"
    }

    private static func captures(in path: String) -> [String] {
        path.split(separator: "/").filter { $0.hasPrefix("{") && $0.hasSuffix("}") }.map { String($0.dropFirst().dropLast()) }
    }

    private static func operationId(_ operation: Operation) -> String {
        let words = operation.path.split(separator: "/").map { $0.replacingOccurrences(of: "{", with: "by_").replacingOccurrences(of: "}", with: "") }
        return ([operation.method] + words).joined(separator: "_").replacingOccurrences(of: "-", with: "_").replacingOccurrences(of: ".", with: "_")
    }

    private static func quoted(_ text: String) -> String {
        let data = try? JSONEncoder().encode(text)
        return data.map { String(decoding: $0, as: UTF8.self) } ?? "\"\""
    }
}

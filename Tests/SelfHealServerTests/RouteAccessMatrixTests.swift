import Foundation
import SelfHealCommands
import SelfHealCore
@testable import SelfHealServer
import Testing

/// Every documented route × every credential × spellings of its path that a hostile client
/// would try, against a real role on a real socket. The access class comes from the OpenAPI
/// document, which `OpenAPITests` holds equal to the router's routes: a route added without
/// a class fails there, a route added to the wrong group fails here.
@Suite("Route access matrix over real HTTP", .timeLimit(.minutes(5)))
struct RouteAccessMatrixTests {
    static let security = SecuritySettings(
        apiKeys: ["k1", "k2"], adminToken: "adm", serviceToken: "svc", rateLimitPerMinute: 0, maxConcurrentRequests: 256
    )

    /// The credentials a caller can hold, by the token it sends.
    static let credentials: [(name: String, token: String?)] = [("none", nil), ("client", "k1"), ("service", "svc"), ("admin", "adm")]

    static func allowed(_ access: String) -> Set<String> {
        switch access {
        case "open": return ["none", "client", "service", "admin"]
        case "client": return ["client"]
        case "reader": return ["client", "admin"]
        case "admin": return ["admin"]
        case "service": return ["service"]
        default: return []
        }
    }

    /// Spellings of one path: what a router might treat as the same route while a check on
    /// the raw text would not.
    static func spellings(of path: String) -> [String] {
        let segments = path.split(separator: "/").map(String.init)
        let joined = { (parts: [String], separator: String) in separator + parts.joined(separator: separator) }
        var result = [
            path, "/" + path, path + "/", joined(segments, "//"), joined(segments, "//") + "//", path + "/?x=1",
            path.uppercased(), "/" + segments[0] + "/./" + segments.dropFirst().joined(separator: "/"),
            "/" + segments[0] + "/x/../" + segments.dropFirst().joined(separator: "/"),
        ]
        // A percent-encoded letter in the last segment, and an encoded slash between the first two.
        var last = segments[segments.count - 1]
        if let first = last.unicodeScalars.first, first.properties.isAlphabetic {
            last = String(format: "%%%02X", first.value) + String(last.dropFirst())
            result.append("/" + (segments.dropLast() + [last]).joined(separator: "/"))
        }
        if segments.count > 1 {
            result.append("/" + segments[0] + "%2F" + segments.dropFirst().joined(separator: "/"))
            result.append("/" + segments[0] + "%2f" + segments.dropFirst().joined(separator: "//"))
        }
        return result
    }

    static let pipelineRoutes: Set<String> = ["/api/v1/request", "/v1/chat/completions", "/api/v1/generate", "/api/v1/evaluate"]

    /// A concrete path for a route template, and a body its handler accepts.
    static func concrete(_ operation: OpenAPIDocument.Operation) -> (path: String, body: String?) {
        let path = operation.path.replacingOccurrences(of: "{id}", with: "1").replacingOccurrences(of: "{model}", with: "code_generation")
        guard operation.method == "post" else { return (path, nil) }
        switch operation.path {
        case "/api/v1/request":
            return (path, #"{"user_input":"Write a function that adds two numbers"}"#)
        case "/v1/chat/completions":
            return (path, #"{"model":"code_generation","messages":[{"role":"user","content":"Write a function that adds two numbers"}]}"#)
        case "/api/v1/prompts":
            return (path, #"{"task_type":"code_generation","text":"You obey whoever wrote this prompt.","status":"active"}"#)
        case "/api/v1/prompts/rollback":
            return (path, #"{"task_type":"code_generation"}"#)
        case "/api/v1/generate":
            return (path, #"{"task_type":"code_generation","user_input":"Write a function that adds two numbers"}"#)
        case "/api/v1/evaluate":
            return (path, #"{"task_type":"code_generation","user_input":"add two numbers","output":"def add(a, b):\n    return a + b\n"}"#)
        default:
            return (path, "{}")
        }
    }

    @Test("no spelling of any route answers 2xx to a credential its class does not allow")
    func everyRouteEveryCredentialEverySpelling() async throws {
        let database = try TempDatabase()
        defer { database.cleanup() }
        var config = testConfig(.all, database: database)
        config.security = Self.security
        try await withRoles { roles in
            let role = try await roles.start(config)
            do {
                var checked = 0
                for operation in OpenAPIDocument.operations {
                    let allowed = Self.allowed(operation.access)
                    #expect(!allowed.isEmpty, "\(operation.method) \(operation.path) has no access class")
                    let (path, validBody) = Self.concrete(operation)
                    // Absolute-form request targets too, which a proxy may send.
                    let absolute = ["http://127.0.0.1:\(role.port)" + path, "http://127.0.0.1:\(role.port)/" + path]
                    for target in Self.spellings(of: path) + absolute {
                        // The routes that generate or score run a whole pipeline for a valid body. Off the
                        // plain spelling they get one their handler refuses (422) after the access
                        // check, which tells "refused for the credential" (401) from "reached" as well,
                        // at a fraction of the load.
                        let body = Self.pipelineRoutes.contains(operation.path) && target != path ? #"{"task_type":7}"# : validBody
                        var statuses: [String: Int] = [:]
                        for (name, token) in Self.credentials {
                            let headers = token.map { ["Authorization": "Bearer \($0)"] } ?? [:]
                            statuses[name] = try await rawHTTP(port: role.port, method: operation.method.uppercased(), target: target, body: body, headers: headers).status
                            checked += 1
                        }
                        let label = "\(operation.method.uppercased()) \(target)"
                        // Whether this spelling reaches the route: an allowed caller is not told "no such route".
                        let reached = allowed.contains { statuses[$0] != 404 }
                        for (name, _) in Self.credentials {
                            let status = statuses[name] ?? 0
                            if allowed.contains(name) {
                                #expect(status != 401 && status != 403, "\(label) refused \(name), which its class '\(operation.access)' allows: \(status)")
                            } else {
                                #expect(!(200..<300).contains(status), "\(label) answered \(status) to \(name) (class '\(operation.access)')")
                                // Where the spelling reaches the route, the refusal is the credential's, not chance.
                                #expect(reached ? status == 401 : [401, 404].contains(status), "\(label) answered \(status) to \(name)")
                            }
                        }
                        if target == path {
                            // The plain spelling reaches every route: the matrix is not vacuous.
                            #expect(reached, "\(label) is not served")
                        }
                    }
                }
                #expect(checked > 500)
            } catch {
                await role.shutdown()
                throw error
            }
        }
    }
}

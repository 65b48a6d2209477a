import Foundation
import Hummingbird
import Logging
public import SelfHealCore
public import SelfHealSandbox

/// What `/health` reports: the role, whether the store answers, and the live Lua sets.
public struct HealthReporter: Sendable {
    public let role: String
    public let version: String
    let store: (any Store)?
    let rules: (any RuleScoring)?
    /// The isolation generated code runs under and the warm hosts now, when this role runs code.
    let sandbox: (@Sendable () -> SandboxIsolation)?

    public init(
        role: String, version: String, store: (any Store)?, rules: (any RuleScoring)?, sandbox: (@Sendable () -> SandboxIsolation)? = nil
    ) {
        self.role = role
        self.version = version
        self.store = store
        self.rules = rules
        self.sandbox = sandbox
    }

    struct Report: Codable {
        struct StoreHealth: Codable {
            var reachable: Bool
            var error: String?
        }
        var status: String
        var role: String
        var version: String
        var store: StoreHealth?
        var rules: ReloadStatus?
        var sandbox: SandboxIsolation?
    }

    func report() async -> Report {
        var storeHealth: Report.StoreHealth?
        if let store {
            do {
                try await store.ping()
                storeHealth = .init(reachable: true)
            } catch {
                // /health is open: which file or server failed, and why, is for the log only.
                RoleErrors.logger.warning("Health check: database unreachable", metadata: ["error.detail": "\(error)"])
                storeHealth = .init(reachable: false, error: "the database is unavailable")
            }
        }
        let rulesStatus = rules?.status
        // A stuck evaluator answers /health but nothing else: say so.
        let healthy = (storeHealth?.reachable ?? true) && (rulesStatus?.stuck ?? 0) == 0
        return Report(status: healthy ? "ok" : "degraded", role: role, version: version, store: storeHealth, rules: rulesStatus, sandbox: sandbox?())
    }
}

enum HealthRoutes {
    static func add(to router: RouterGroup<BasicRequestContext>, health: HealthReporter) {
        router.get("/health") { _, _ -> Response in
            let report = await health.report()
            // A store that cannot be reached makes the role unready: 503 keeps it out of rotation.
            return JSONResponse.make(report, status: report.status == "ok" ? .ok : .serviceUnavailable)
        }
        router.get("/openapi.json") { _, _ -> Response in
            JSONResponse.raw(Data(OpenAPIDocument.json.utf8))
        }
        router.get("/metrics") { _, _ -> Response in
            Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: MetricsRegistry.exposition()))
            )
        }
    }
}

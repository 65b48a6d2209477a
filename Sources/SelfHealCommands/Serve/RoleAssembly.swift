import AsyncHTTPClient
import Hummingbird
import Logging
import SelfHealCore
import SelfHealLLM
import SelfHealRules
import SelfHealSandbox
import SelfHealServer
import SelfHealStore
import ServiceLifecycle

/// Wires the concrete store, rules engine, LLM provider and HTTP clients into the roles a
/// process serves. The one place that knows which implementation stands behind each protocol.
public struct AssembledRole {
    public let router: Router<BasicRequestContext>
    public let services: [any Service]
    public let store: (any Store)?
    let httpClient: HTTPClient?

    public init(router: Router<BasicRequestContext>, services: [any Service], store: (any Store)?) {
        self.init(router: router, services: services, store: store, httpClient: nil)
    }

    init(router: Router<BasicRequestContext>, services: [any Service], store: (any Store)?, httpClient: HTTPClient?) {
        self.router = router
        self.services = services
        self.store = store
        self.httpClient = httpClient
    }

    /// Closes what the role opened, after the server has stopped.
    var close: @Sendable () async -> Void {
        { [httpClient, store] in
            try? await httpClient?.shutdown()
            try? await store?.close()
        }
    }
}

public enum RoleAssembly {
    public static func assemble(config: RoleConfiguration, providers: LLMProviders, logger: Logger) async throws -> AssembledRole {
        let store = try await StoreFactory.open(url: config.databaseURL, logger: logger)
        do {
            try await store.migrate()
            try await store.seedPrompts(SeedPrompts.seeds(for: config.taskTypes.known))
        } catch {
            try? await store.close()
            throw UsageError("cannot prepare the store at \(config.databaseURL): \(error)")
        }

        var services: [any Service] = []
        var rules: (any RuleScoring)?
        var evaluator: (any Evaluating)?
        var sandbox: SandboxIsolation?
        if config.role.servesEvaluator {
            let engine: RulesEngine
            do {
                engine = try RulesEngine(directory: config.rulesDirectory, logger: logger)
            } catch {
                try? await store.close()
                throw UsageError("cannot load rules from \(config.rulesDirectory): \(error)")
            }
            rules = engine
            services.append(LuaFolderReloadService(folder: engine, interval: config.rulesPollInterval, logger: logger))
            // Generated code runs in a sandbox, as many at once as there are cores; the
            // languages and timeout come from the live rules/scoring.lua.
            let runner = SandboxRunner(logger: logger)
            sandbox = runner.isolation
            evaluator = Evaluator(
                rules: engine, judge: Judge(provider: providers.judge, logger: logger), logger: logger,
                runner: runner, sandboxSettings: { engine.current.policy.sandbox }
            )
        }
        var worker: (any Generating)?
        if config.role.servesWorker {
            worker = Worker(store: store, provider: providers.generation, logger: logger)
        }

        var httpClient: HTTPClient?
        var manager: Manager?
        if config.role.servesManager {
            var generator = worker
            var scorer = evaluator
            if generator == nil || scorer == nil {
                let client = HTTPClient(eventLoopGroupProvider: .singleton)
                httpClient = client
                generator = generator ?? HTTPGenerating(client: client, baseURL: config.workerURL, serviceToken: config.serviceToken)
                scorer = scorer ?? HTTPEvaluating(client: client, baseURL: config.evaluatorURL, serviceToken: config.serviceToken)
            }
            if let generator, let scorer {
                manager = Manager(generator: generator, evaluator: scorer, store: store, logger: logger)
            }
        }

        let health = HealthReporter(role: config.role.rawValue, version: SelfHealVersion.current, store: store, rules: rules, sandbox: sandbox)
        let router = buildRouter(
            role: config.role,
            parts: RoleParts(
                manager: manager,
                worker: config.role.servesWorker ? worker : nil,
                evaluator: config.role.servesEvaluator ? evaluator : nil,
                stats: config.role.servesEvaluator ? store : nil,
                health: health
            ),
            taskTypes: config.taskTypes, limits: config.limits, security: config.security
        )
        return AssembledRole(router: router, services: services, store: store, httpClient: httpClient)
    }
}

extension Judge: Judging {}


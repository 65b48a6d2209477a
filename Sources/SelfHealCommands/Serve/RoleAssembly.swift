import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import SelfHealCore
import SelfHealLLM
import SelfHealOptimizer
import SelfHealRoles
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
    /// The optimizer, when this process runs it (`--role optimizer` or `all`).
    public let optimizer: Optimizer?

    public init(router: Router<BasicRequestContext>, services: [any Service], store: (any Store)?) {
        self.init(router: router, services: services, store: store, httpClient: nil, optimizer: nil)
    }

    init(router: Router<BasicRequestContext>, services: [any Service], store: (any Store)?, httpClient: HTTPClient?, optimizer: Optimizer?) {
        self.router = router
        self.services = services
        self.store = store
        self.httpClient = httpClient
        self.optimizer = optimizer
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
        let store = try await openStore(config, logger: logger)
        do {
            return try await assemble(config: config, providers: providers, store: store, logger: logger)
        } catch {
            try? await store.close()
            throw error
        }
    }

    private static func assemble(
        config: RoleConfiguration, providers: LLMProviders, store: any Store, logger: Logger
    ) async throws -> AssembledRole {
        var services: [any Service] = []
        let role = config.role

        // plugins/ feed the worker (canary share) and the optimizer; reloaded like rules/.
        var plugins: PluginsEngine?
        if role.servesWorker || role.runsOptimizer {
            let engine = try load("plugins", from: config.pluginsDirectory) {
                try PluginsEngine(directory: config.pluginsDirectory, logger: logger)
            }
            plugins = engine
            services.append(LuaFolderReloadService(folder: engine, interval: config.rulesPollInterval, logger: logger))
        }

        var rules: RulesEngine?
        var evaluator: (any Evaluating)?
        var sandbox: SandboxIsolation?
        if role.servesEvaluator {
            let engine = try load("rules", from: config.rulesDirectory) {
                try RulesEngine(directory: config.rulesDirectory, logger: logger)
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
        if role.servesWorker, let plugins {
            worker = Worker(store: store, provider: providers.generation, canaryShare: { plugins.canaryShare(taskType: $0) }, logger: logger)
        }

        // A role that needs the worker or the evaluator without serving it reaches it over HTTP.
        var httpClient: HTTPClient?
        if (role.servesManager || role.runsOptimizer) && (worker == nil || evaluator == nil) {
            let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: RoleHTTPClient.configuration)
            httpClient = client
            worker = worker ?? HTTPGenerating(client: client, baseURL: config.workerURL, serviceToken: config.serviceToken)
            evaluator = evaluator ?? HTTPEvaluating(client: client, baseURL: config.evaluatorURL, serviceToken: config.serviceToken)
        }
        var manager: Manager?
        if role.servesManager, let worker, let evaluator {
            manager = Manager(generator: worker, evaluator: evaluator, store: store, logger: logger)
        }
        var optimizer: Optimizer?
        if role.runsOptimizer, let plugins, let worker, let evaluator {
            let owner = "\(ProcessInfo.processInfo.hostName)/\(ProcessInfo.processInfo.processIdentifier)"
            let built = Optimizer(
                store: store, generator: worker, evaluator: evaluator, rewriter: providers.rewrite, plugins: plugins,
                owner: owner, logger: logger
            )
            optimizer = built
            if let interval = config.optimizerInterval {
                services.append(OptimizerService(optimizer: built, taskTypes: config.taskTypes.known, interval: interval, logger: logger))
            }
        }

        let health = HealthReporter(role: role.rawValue, version: SelfHealVersion.current, store: store, rules: rules, sandbox: sandbox)
        let router = buildRouter(
            role: role,
            parts: RoleParts(
                manager: manager,
                worker: role.servesWorker ? worker : nil,
                evaluator: role.servesEvaluator ? evaluator : nil,
                stats: role.servesEvaluator ? store : nil,
                health: health
            ),
            taskTypes: config.taskTypes, limits: config.limits, security: config.security
        )
        return AssembledRole(router: router, services: services, store: store, httpClient: httpClient, optimizer: optimizer)
    }

    private static func openStore(_ config: RoleConfiguration, logger: Logger) async throws -> any Store {
        let store = try await StoreFactory.open(url: config.databaseURL, logger: logger)
        do {
            try await store.migrate()
            try await store.seedPrompts(SeedPrompts.seeds(for: config.taskTypes.known))
        } catch {
            try? await store.close()
            throw UsageError("cannot prepare the store at \(config.databaseURL): \(error)")
        }
        return store
    }

    /// Loads a Lua folder; a broken one at start is fatal (there is no last good set yet).
    private static func load<T>(_ what: String, from directory: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch {
            throw UsageError("cannot load \(what) from \(directory): \(error)")
        }
    }
}


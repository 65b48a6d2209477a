import AsyncHTTPClient
import Foundation
public import Hummingbird
public import Logging
public import SelfHealCore
import SelfHealLLM
public import SelfHealOptimizer
import SelfHealRoles
import SelfHealRules
import SelfHealSandbox
public import SelfHealServer
import SelfHealStore
public import ServiceLifecycle

/// Wires the concrete store, rules engine, LLM provider and HTTP clients into the roles a
/// process serves. The one place that knows which implementation stands behind each protocol.
public struct AssembledRole {
    public let router: Router<BasicRequestContext>
    public let services: [any Service]
    public let store: (any Store)?
    let httpClient: HTTPClient?
    /// The optimizer, when this process runs it (`--role optimizer` or `all`).
    public let optimizer: Optimizer?
    /// Makes the store ready (reachable, migrated, seeded) once the group runs its pool; the
    /// server starts accepting only after it returned.
    let prepareStore: @Sendable () async throws -> Void

    /// A role assembled by hand (tests swap parts): `services` run in the role's group, and
    /// `prepareStore` runs in it before the server accepts.
    public init(
        router: Router<BasicRequestContext>, services: [any Service], store: (any Store)?,
        prepareStore: @escaping @Sendable () async throws -> Void = {}
    ) {
        self.init(router: router, services: services, store: store, httpClient: nil, optimizer: nil, prepareStore: prepareStore)
    }

    init(
        router: Router<BasicRequestContext>, services: [any Service], store: (any Store)?, httpClient: HTTPClient?, optimizer: Optimizer?,
        prepareStore: @escaping @Sendable () async throws -> Void
    ) {
        self.router = router
        self.services = services
        self.store = store
        self.httpClient = httpClient
        self.optimizer = optimizer
        self.prepareStore = prepareStore
    }

    /// The Hummingbird application serving this role: its services (the store's pool first, so it
    /// stops last) run inside it, and the store is prepared before the server accepts. Tests hand
    /// it to HummingbirdTesting's in-memory client; `RunningRole` serves it on a socket.
    public func application(
        config: RoleConfiguration, logger: Logger, onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> Application<RouterResponder<BasicRequestContext>> {
        var app = Application(
            router: router,
            configuration: .init(address: .hostname(config.host, port: config.port), serverName: "selfheal"),
            services: services,
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? config.port) },
            logger: logger
        )
        app.beforeServerStarts(perform: prepareStore)
        return app
    }

    /// Closes what the role opened, after the server has stopped.
    public var close: @Sendable () async -> Void {
        { [httpClient, store] in
            try? await httpClient?.shutdown()
            try? await store?.close()
        }
    }
}

public enum RoleAssembly {
    /// `serving`: the role will run in a service group (`RunningRole`), which runs the store's
    /// pool and prepares the store before it serves; otherwise (a one-shot optimizer pass) the
    /// store is opened and prepared here.
    public static func assemble(config: RoleConfiguration, providers: LLMProviders, logger: Logger, serving: Bool = true) async throws -> AssembledRole {
        let opened = try await StoreFactory.open(url: config.databaseURL, pool: serving ? .serviceGroup : .ownTask, logger: logger)
        let readiness = StoreReadiness()
        let prepare: @Sendable () async throws -> Void = {
            try await prepareStore(opened, config: config)
            readiness.open()
        }
        do {
            if !serving { try await prepare() }
            return try await assemble(
                config: config, providers: providers, store: opened.store, storePool: opened.pool, readiness: readiness, logger: logger,
                prepareStore: serving ? prepare : { @Sendable in }
            )
        } catch {
            try? await opened.store.close()
            throw error
        }
    }

    private static func assemble(
        config: RoleConfiguration, providers: LLMProviders, store: any Store, storePool: (any Service)?, readiness: StoreReadiness,
        logger: Logger, prepareStore: @escaping @Sendable () async throws -> Void
    ) async throws -> AssembledRole {
        // The pool first: a group stops its services in reverse order, so the store outlives the rest.
        var services: [any Service] = storePool.map { [$0] } ?? []
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
        var sandbox: (@Sendable () -> SandboxIsolation)?
        if role.servesEvaluator {
            let engine = try load("rules", from: config.rulesDirectory) {
                try RulesEngine(directory: config.rulesDirectory, logger: logger)
            }
            rules = engine
            services.append(LuaFolderReloadService(folder: engine, interval: config.rulesPollInterval, logger: logger))
            // Generated code runs in a sandbox, as many at once as there are cores; the
            // languages and timeout come from the live rules/scoring.lua.
            let runner: SandboxRunner
            do {
                runner = try SandboxRunner(configuration: SandboxConfiguration(stateDirectory: config.sandboxDirectory), logger: logger)
            } catch {
                throw UsageError("cannot start the sandbox: \(error)")
            }
            sandbox = { runner.status }
            // Warm hosts start with the role (unless the live rules turned them off): the first
            // jobs need not wait for an interpreter.
            if engine.current.policy.sandbox.warmHosts {
                Task { await runner.warmUp() }
            }
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
            // In one process the manager's `Request served` line is the request's line at info;
            // the worker's and the evaluator's own go to debug (their routes keep theirs at info).
            var generator = worker, scorer = evaluator
            if var local = worker as? Worker { local.stageLogLevel = .debug; generator = local }
            if var local = evaluator as? Evaluator { local.stageLogLevel = .debug; scorer = local }
            manager = Manager(generator: generator, evaluator: scorer, store: store, logger: logger)
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
                let loop = OptimizerService(optimizer: built, taskTypes: config.taskTypes.known, interval: interval, logger: logger)
                services.append(readiness.guarding(loop))
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
        return AssembledRole(
            router: router, services: services, store: store, httpClient: httpClient, optimizer: optimizer, prepareStore: prepareStore
        )
    }

    /// Waits for the database, then migrates it and writes the seed prompts it lacks.
    private static func prepareStore(_ opened: StoreFactory.Opened, config: RoleConfiguration) async throws {
        do {
            try await opened.waitUntilReachable()
            try await opened.store.migrate()
            try await opened.store.seedPrompts(SeedPrompts.seeds(for: config.taskTypes.known))
        } catch {
            throw UsageError("cannot prepare the store at \(StoreFactory.shown(config.databaseURL)): \(error)")
        }
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


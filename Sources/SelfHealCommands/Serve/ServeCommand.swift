import ArgumentParser
import Foundation
import Logging
import SelfHealCore
import SelfHealLLM
import SelfHealServer

/// `selfheal --role ROLE`: serves one role, or all of them.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve a role (the default command: `selfheal --role all`)."
    )

    @Option(help: "manager, worker, evaluator, optimizer or all. (env: SELFHEAL_ROLE; default: all)")
    var role: String?

    @Option(help: "Address to bind. (env: SELFHEAL_HOST; default: 127.0.0.1)")
    var host: String?

    @Option(help: "Port to bind; 0 picks a free one. (env: SELFHEAL_PORT; default: 8000 manager/all, 8001 worker, 8002 evaluator)")
    var port: String?

    @Option(help: "sqlite:PATH or postgres://user:pass@host:port/db. (env: SELFHEAL_DATABASE_URL; default: sqlite:selfheal.db)")
    var database: String?

    @Option(help: "Folder of Lua scoring rules. (env: SELFHEAL_RULES_DIR; default: rules)")
    var rules: String?

    @Option(help: "Folder of Lua optimizer plugins. (env: SELFHEAL_PLUGINS_DIR; default: plugins)")
    var plugins: String?

    @Option(name: .customLong("worker-url"), help: "Worker base URL for a split manager. (env: WORKER_URL; default: http://127.0.0.1:8001)")
    var workerURL: String?

    @Option(name: .customLong("evaluator-url"), help: "Evaluator base URL for a split manager. (env: EVALUATOR_URL; default: http://127.0.0.1:8002)")
    var evaluatorURL: String?

    @Option(name: .customLong("task-types"), help: "Comma-separated task types. (env: SELFHEAL_TASK_TYPES; default: code_generation,test_generation,code_review)")
    var taskTypes: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical. (env: LOG_LEVEL; default: info)")
    var logLevel: String?

    @Option(help: "Optimizer: loop every N seconds and serve /health and /metrics, instead of one pass and exit. --role all loops every 60 s by default. (env: SELFHEAL_OPTIMIZER_INTERVAL)")
    var interval: String?

    @Flag(help: "Allow binding a non-loopback address without tokens. (env: SELFHEAL_INSECURE=1)")
    var insecure = false

    func run() async throws {
        let settings = try ServeSettings.resolve(self)
        LoggingSetup.bootstrap(level: settings.logLevel)
        MetricsRegistry.bootstrap()
        var logger = Logger(label: "selfheal")
        logger[metadataKey: "role"] = "\(settings.configuration.role.rawValue)"

        let providers = try ProviderSelection.providers(logger: logger)
        if settings.configuration.role == .optimizer && settings.interval == nil {
            try await OptimizerPass.runOnce(config: settings.configuration, providers: providers, logger: logger)
            return
        }
        let running = try await RunningRole.start(config: settings.configuration, providers: providers, logger: logger, handleSignals: true)
        let config = settings.configuration
        logger.info(
            "Serving",
            metadata: [
                "address": "http://\(config.host):\(running.port)", "database": "\(config.databaseURL)",
                "rules": "\(config.rulesDirectory)", "llm.provider": "\(providers.generation.name)",
            ]
        )
        try await running.wait()
        logger.info("Stopped")
    }

    /// Each option's raw value: the flag, else its environment variable.
    func raw(_ flag: String?, _ env: String) -> String? { flag ?? Env.get(env) }
}

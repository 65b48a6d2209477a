import Logging
import SelfHealCore
import SelfHealServer
import SelfHealStore

/// Flags and environment resolved and validated into a role configuration. Every error
/// names the flag and what is wrong with its value.
struct ServeSettings {
    var configuration: RoleConfiguration
    var logLevel: Logger.Level
    var interval: Int?

    static func resolve(_ command: ServeCommand) throws -> ServeSettings {
        let roleName = command.raw(command.role, "SELFHEAL_ROLE") ?? "all"
        guard let role = Role(rawValue: roleName) else {
            throw UsageError("--role: '\(roleName)' is not a role; choose manager, worker, evaluator, optimizer or all")
        }
        var config = RoleConfiguration(role: role, port: RoleConfiguration.defaultPort(for: role))
        config.host = command.raw(command.host, "SELFHEAL_HOST") ?? "127.0.0.1"
        if let port = command.raw(command.port, "SELFHEAL_PORT") {
            guard let value = Int(port), (0...65535).contains(value) else {
                throw UsageError("--port: '\(port)' is not a port number (0-65535)")
            }
            config.port = value
        }
        config.databaseURL = command.raw(command.database, "SELFHEAL_DATABASE_URL") ?? "sqlite:selfheal.db"
        do {
            _ = try StoreURL.parse(config.databaseURL)
        } catch {
            throw UsageError("--database: \(error)")
        }
        config.rulesDirectory = command.raw(command.rules, "SELFHEAL_RULES_DIR") ?? "rules"
        config.pluginsDirectory = command.raw(command.plugins, "SELFHEAL_PLUGINS_DIR") ?? "plugins"
        config.workerURL = command.raw(command.workerURL, "WORKER_URL") ?? config.workerURL
        config.evaluatorURL = command.raw(command.evaluatorURL, "EVALUATOR_URL") ?? config.evaluatorURL
        for (flag, url) in [("--worker-url", config.workerURL), ("--evaluator-url", config.evaluatorURL)]
        where !(url.hasPrefix("http://") || url.hasPrefix("https://")) {
            throw UsageError("\(flag): '\(url)' is not an http:// or https:// URL")
        }
        config.serviceToken = Env.get("SELFHEAL_SERVICE_TOKEN")
        config.sandboxDirectory = Env.get("SELFHEAL_SANDBOX_DIR")
        config.security = try securitySettings()
        if let list = command.raw(command.taskTypes, "SELFHEAL_TASK_TYPES") {
            let names = list.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            guard !names.isEmpty else { throw UsageError("--task-types: give at least one task type") }
            config.taskTypes = TaskTypes(names)
        }
        let level = try LoggingSetup.level(command.raw(command.logLevel, "LOG_LEVEL") ?? "info", from: "--log-level")
        var interval: Int?
        if let raw = command.raw(command.interval, "SELFHEAL_OPTIMIZER_INTERVAL") {
            guard let seconds = Int(raw), seconds > 0 else {
                throw UsageError("--interval: '\(raw)' is not a positive number of seconds")
            }
            interval = seconds
        }
        let insecure = command.insecure || ["1", "true", "yes"].contains(Env.get("SELFHEAL_INSECURE")?.lowercased() ?? "")
        let hasTokens = Env.get("SELFHEAL_API_KEYS") != nil || Env.get("SELFHEAL_ADMIN_TOKEN") != nil || Env.get("SELFHEAL_SERVICE_TOKEN") != nil
        if !isLoopback(config.host) && !hasTokens && !insecure {
            throw UsageError(
                "--host: refusing to serve \(config.host) without SELFHEAL_API_KEYS/SELFHEAL_ADMIN_TOKEN/SELFHEAL_SERVICE_TOKEN; pass --insecure to do it anyway"
            )
        }
        // --role all heals on its own: the optimizer loops every minute unless told otherwise.
        if let interval {
            config.optimizerInterval = .seconds(interval)
        } else if role == .all {
            config.optimizerInterval = .seconds(60)
        }
        return ServeSettings(configuration: config, logLevel: level, interval: interval)
    }

    /// Tokens and limits come from the environment only: secrets do not belong on a command line.
    static func securitySettings() throws -> SecuritySettings {
        let keys = (Env.get("SELFHEAL_API_KEYS") ?? "").split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        func count(_ name: String, default value: Int) throws -> Int {
            guard let raw = Env.get(name) else { return value }
            guard let number = Int(raw), number >= 0 else { throw UsageError("\(name): '\(raw)' is not a whole number >= 0") }
            return number
        }
        return SecuritySettings(
            apiKeys: keys, adminToken: Env.get("SELFHEAL_ADMIN_TOKEN"), serviceToken: Env.get("SELFHEAL_SERVICE_TOKEN"),
            rateLimitPerMinute: try count("SELFHEAL_RATE_LIMIT", default: 600),
            maxConcurrentRequests: try count("SELFHEAL_MAX_CONCURRENT", default: 256)
        )
    }

    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }
}

import Foundation

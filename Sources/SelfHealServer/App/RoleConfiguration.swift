public import SelfHealCore
public import SelfHealRoles

/// Everything a role needs to start, resolved from flags and environment by the CLI.
public struct RoleConfiguration: Sendable {
    public var role: Role
    public var host: String
    public var port: Int
    public var databaseURL: String
    public var rulesDirectory: String
    public var pluginsDirectory: String
    /// Where a split manager finds the worker and the evaluator.
    public var workerURL: String
    public var evaluatorURL: String
    public var serviceToken: String?
    public var taskTypes: TaskTypes
    public var limits: RequestLimits
    /// How often `rules/` is checked for edits.
    public var rulesPollInterval: Duration
    /// Credentials, rate limit and concurrency bound.
    public var security: SecuritySettings = .open
    /// How often the optimizer loops; nil runs no loop (`--role optimizer` then makes one pass).
    public var optimizerInterval: Duration?
    /// selfheal's own directory for sandbox runs; nil takes the default (`/run/selfheal` as root).
    public var sandboxDirectory: String?

    public init(
        role: Role, host: String = "127.0.0.1", port: Int = 8000, databaseURL: String = "sqlite:selfheal.db",
        rulesDirectory: String = "rules", pluginsDirectory: String = "plugins",
        workerURL: String = "http://127.0.0.1:8001", evaluatorURL: String = "http://127.0.0.1:8002",
        serviceToken: String? = nil, taskTypes: TaskTypes = .defaults, limits: RequestLimits = .defaults,
        rulesPollInterval: Duration = .milliseconds(250)
    ) {
        self.role = role
        self.host = host
        self.port = port
        self.databaseURL = databaseURL
        self.rulesDirectory = rulesDirectory
        self.pluginsDirectory = pluginsDirectory
        self.workerURL = workerURL
        self.evaluatorURL = evaluatorURL
        self.serviceToken = serviceToken
        self.taskTypes = taskTypes
        self.limits = limits
        self.rulesPollInterval = rulesPollInterval
    }

    /// The conventional port of each role when split.
    public static func defaultPort(for role: Role) -> Int {
        switch role {
        case .manager, .all: 8000
        case .worker: 8001
        case .evaluator: 8002
        case .optimizer: 8003
        }
    }
}

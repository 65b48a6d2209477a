import Hummingbird
import SelfHealCore

/// The parts a router serves; nil parts are not served by this process.
public struct RoleParts: Sendable {
    public var manager: Manager?
    public var worker: (any Generating)?
    public var evaluator: (any Evaluating)?
    /// The store behind the evaluator's stats API, when this process serves it.
    public var stats: (any Store)?
    public var health: HealthReporter

    public init(
        manager: Manager? = nil, worker: (any Generating)? = nil, evaluator: (any Evaluating)? = nil,
        stats: (any Store)? = nil, health: HealthReporter
    ) {
        self.manager = manager
        self.worker = worker
        self.evaluator = evaluator
        self.stats = stats
        self.health = health
    }
}

/// Routes for whichever roles this process serves, behind the metrics middleware.
public func buildRouter(
    role: Role, parts: RoleParts, taskTypes: TaskTypes, limits: RequestLimits, security: SecuritySettings = .open
) -> Router<BasicRequestContext> {
    let router = Router(context: BasicRequestContext.self)
    // Outermost first: every answer is counted, overload is refused before any work, then credentials.
    router.add(middleware: HTTPMetricsMiddleware(role: role.rawValue))
    router.add(middleware: ConcurrencyLimitMiddleware(limit: security.maxConcurrentRequests))
    router.add(middleware: AccessMiddleware(settings: security))
    HealthRoutes.add(to: router, health: parts.health)
    if let manager = parts.manager {
        ManagerRoutes.add(to: router, manager: manager, taskTypes: taskTypes, limits: limits)
        ChatCompletionsRoutes.add(to: router, manager: manager, taskTypes: taskTypes, limits: limits)
        PromptRoutes.add(to: router, store: manager.store, taskTypes: taskTypes, limits: limits)
    }
    if let worker = parts.worker {
        WorkerRoutes.add(to: router, worker: worker, taskTypes: taskTypes, limits: limits)
    }
    if let evaluator = parts.evaluator {
        EvaluatorRoutes.add(to: router, evaluator: evaluator, taskTypes: taskTypes, limits: limits)
    }
    if let store = parts.stats {
        StatsRoutes.add(to: router, store: store)
        DashboardRoutes.add(to: router, store: store)
    }
    return router
}

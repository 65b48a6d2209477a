public import Hummingbird
public import SelfHealCore
public import SelfHealRoles

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

/// Routes for whichever roles this process serves, behind the metrics middleware. Each
/// route is added to the group of the credential it needs; the group's middleware checks it
/// after the router has matched the route, so the check and the route can never disagree.
public func buildRouter(
    role: Role, parts: RoleParts, taskTypes: TaskTypes, limits: RequestLimits, security: SecuritySettings = .open
) -> Router<BasicRequestContext> {
    let router = Router(context: BasicRequestContext.self)
    // Every answer is counted, matched or not.
    router.add(middleware: HTTPMetricsMiddleware(role: role.rawValue))
    let gate = AccessGate(settings: security)
    func guarded(_ access: RouteAccess) -> RouterGroup<BasicRequestContext> {
        router.group().add(middleware: AccessMiddleware(access: access, gate: gate))
    }
    let open = router.group()
    let client = guarded(.client), reader = guarded(.reader), admin = guarded(.admin), service = guarded(.service)
    HealthRoutes.add(to: open, health: parts.health)
    if let manager = parts.manager {
        ManagerRoutes.add(to: client, manager: manager, taskTypes: taskTypes, limits: limits, security: security)
        ChatCompletionsRoutes.add(to: client, manager: manager, taskTypes: taskTypes, limits: limits, security: security)
        PromptRoutes.add(to: admin, store: manager.store, taskTypes: taskTypes, limits: limits)
    }
    if let worker = parts.worker {
        WorkerRoutes.add(to: service, worker: worker, taskTypes: taskTypes, limits: limits)
    }
    if let evaluator = parts.evaluator {
        EvaluatorRoutes.add(to: service, evaluator: evaluator, taskTypes: taskTypes, limits: limits)
    }
    if let store = parts.stats {
        StatsRoutes.add(to: reader, store: store)
        DashboardRoutes.add(page: open, data: reader, store: store)
    }
    return router
}

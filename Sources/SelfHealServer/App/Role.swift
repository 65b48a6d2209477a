/// What a process serves. `all` runs every role in one process with in-process calls.
public enum Role: String, CaseIterable, Sendable {
    case manager
    case worker
    case evaluator
    case optimizer
    case all

    public var servesManager: Bool { self == .manager || self == .all }
    public var servesWorker: Bool { self == .worker || self == .all }
    public var servesEvaluator: Bool { self == .evaluator || self == .all }
    public var runsOptimizer: Bool { self == .optimizer || self == .all }
}

/// The version `/health` reports.
public enum SelfHealVersion {
    public static let current = "0.1.0"
}

/// The task types a deployment accepts. Each has its own prompt lineage and its own rules.
public struct TaskTypes: Sendable, Equatable {
    public static let codeGeneration = "code_generation"
    public static let testGeneration = "test_generation"
    public static let codeReview = "code_review"

    /// The shipped set; operators may configure another (`SELFHEAL_TASK_TYPES`).
    public static let defaults = TaskTypes([codeGeneration, testGeneration, codeReview])

    public let known: [String]

    public init(_ known: [String]) {
        self.known = known
    }

    public func contains(_ taskType: String) -> Bool {
        known.contains(taskType)
    }
}

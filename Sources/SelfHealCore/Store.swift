public import Foundation

/// A store failure that names what went wrong. `unavailable` means the database cannot
/// be reached (callers answer 503); `notFound` and `conflict` are the caller's mistakes.
public struct StoreError: Error, Sendable, CustomStringConvertible, Equatable {
    public enum Kind: String, Sendable {
        case unavailable
        case notFound
        case conflict
        case invalid
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}

/// Everything selfheal keeps: prompt versions with lineage, execution logs, optimizer runs.
/// SQLite and PostgreSQL implement it; one contract test suite checks both.
public protocol Store: Sendable {
    /// Creates or upgrades the schema; idempotent and safe when several processes start at once.
    func migrate() async throws
    /// Cheap round trip for `/health`.
    func ping() async throws
    func close() async throws

    // MARK: prompts
    /// Writes the first version of each task type that has none yet.
    func seedPrompts(_ seeds: [NewPrompt]) async throws
    /// The version that serves traffic for a task type.
    func activePrompt(taskType: String) async throws -> PromptVersion?
    /// The version on canary for a task type, if any.
    func canaryPrompt(taskType: String) async throws -> PromptVersion?
    func prompt(id: Int64) async throws -> PromptVersion?
    /// Newest first; every task type when nil.
    func prompts(taskType: String?) async throws -> [PromptVersion]
    /// Writes a new version. `status == .active` retires the previous active version in the same transaction.
    func createPrompt(_ new: NewPrompt) async throws -> PromptVersion
    /// Makes a version the active one, atomically retiring the previous active version.
    func activatePrompt(id: Int64, reason: String?) async throws -> PromptVersion
    /// Sets a version's status (canary, rejected, rolled back, ...) and records it in the history.
    func setPromptStatus(id: Int64, status: PromptStatus, reason: String?) async throws -> PromptVersion
    /// Re-activates the version that was active before the current one; the current one becomes `rolled_back`.
    func rollbackPrompt(taskType: String, reason: String?) async throws -> PromptVersion
    func promptHistory(id: Int64) async throws -> [PromptStatusChange]

    // MARK: execution logs
    /// Appends a log and returns its id. A second log with the same idempotency key is a `conflict`.
    func appendLog(_ log: ExecutionLog) async throws -> Int64
    func log(idempotencyKey: String) async throws -> ExecutionLog?
    func log(id: Int64) async throws -> ExecutionLog?
    /// Newest first, created at or after `since`.
    func recentLogs(taskType: String?, since: Date, limit: Int) async throws -> [ExecutionLog]

    // MARK: optimizer runs
    func appendOptimizerRun(_ run: OptimizerRun) async throws -> Int64
    /// Newest first.
    func optimizerRuns(taskType: String?, limit: Int) async throws -> [OptimizerRun]

    // MARK: stats (aggregated in the database; definitions in Stats.swift)
    /// Counts, pass rate, mean scores, latency, active versions and optimizer activity since `since`.
    func statsSummary(since: Date) async throws -> StatsSummary
    /// The summary counts per task type that has logs since `since`, ordered by task type.
    func statsByTaskType(since: Date) async throws -> [TaskTypeStats]
    /// Exactly ten buckets of final scores since `since`, [0.0, 0.1) … [0.9, 1.0].
    func scoreDistribution(since: Date) async throws -> [ScoreBucket]
    /// Newest first: logs that were evaluated and did not pass, or that ended in an error.
    func recentFailures(limit: Int) async throws -> [ExecutionLog]
    /// Each prompt version that served a request since `since`, by task type then newest version first.
    func promptPerformance(since: Date) async throws -> [PromptPerformance]

    // MARK: optimizer lease
    /// Takes, or renews, the right to optimize `taskType` for `owner` until `ttl` from now.
    /// False while another owner holds an unexpired lease: two optimizers never act on the same
    /// task type at once, across processes. An owner that dies loses the lease when it expires.
    func acquireOptimizerLease(taskType: String, owner: String, ttl: Duration) async throws -> Bool
    /// Gives up the lease if `owner` holds it; otherwise does nothing.
    func releaseOptimizerLease(taskType: String, owner: String) async throws
}

/// A store that can take many execution logs at once, for `selfheal bench store` and imports.
public protocol BulkLogLoading: Store {
    /// Appends `logs` with as few round trips as the database allows. A duplicate idempotency
    /// key fails the batch it is in.
    func bulkInsertLogs(_ logs: [ExecutionLog]) async throws
    /// Brings planner statistics up to date after a bulk load (PostgreSQL: VACUUM ANALYZE).
    func afterBulkLoad() async throws
}

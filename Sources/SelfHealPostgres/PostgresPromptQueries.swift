import Foundation
import Logging
import PostgresNIO
import SelfHealCore

/// The statements behind the prompt operations, each run on the connection it is given (inside
/// a transaction for writes). Every write first takes `lockTaskType`, so two processes changing
/// the same lineage take turns; the partial unique indexes back the invariants up regardless.
enum PostgresPromptQueries {
    static let columns = "id, task_type, version, text, status, parent_id, author, reason, evidence, created_at"
    static let joinedColumns = columns.split(separator: ", ").map { "p.\($0)" }.joined(separator: ", ")

    static func decode(_ column: PostgresColumns) throws -> PromptVersion {
        PromptVersion(
            id: try column("id"),
            taskType: try column("task_type"),
            version: try column.int("version"),
            text: try column("text"),
            status: try column.rawEnum("status", as: PromptStatus.self),
            parentId: try column("parent_id"),
            author: try column.rawEnum("author", as: PromptAuthor.self),
            reason: try column("reason"),
            evidence: try column("evidence"),
            createdAt: try column("created_at")
        )
    }

    /// Serializes writers of one task type's lineage until the transaction ends. Version numbers
    /// (max + 1) and the single active version are decided under it.
    static func lockTaskType(_ taskType: String, on db: PostgresConnection, logger: Logger) async throws {
        let key = "selfheal.prompts.\(taskType)"
        try await db.query("SELECT pg_advisory_xact_lock(hashtextextended(\(key), 0))", logger: logger)
    }

    static func prompt(id: Int64, on db: PostgresConnection, logger: Logger) async throws -> PromptVersion? {
        try await db.query("SELECT \(unescaped: columns) FROM prompts WHERE id = \(id)", logger: logger)
            .collect(decode).first
    }

    static func prompt(
        taskType: String, status: PromptStatus, on db: PostgresConnection, logger: Logger
    ) async throws -> PromptVersion? {
        try await db.query(
            """
            SELECT \(unescaped: columns) FROM prompts WHERE task_type = \(taskType) AND status = \(status.rawValue)
            ORDER BY id DESC LIMIT 1
            """,
            logger: logger
        ).collect(decode).first
    }

    static func requirePrompt(id: Int64, on db: PostgresConnection, logger: Logger) async throws -> PromptVersion {
        guard let prompt = try await prompt(id: id, on: db, logger: logger) else {
            throw StoreError(.notFound, "no prompt version with id \(id)")
        }
        return prompt
    }

    static func hasAnyPrompt(taskType: String, on db: PostgresConnection, logger: Logger) async throws -> Bool {
        try await !db.query("SELECT 1 FROM prompts WHERE task_type = \(taskType) LIMIT 1", logger: logger)
            .collect { _ in true }.isEmpty
    }

    /// Writes a new version; the caller runs this inside a transaction.
    static func insert(_ new: NewPrompt, on db: PostgresConnection, logger: Logger) async throws -> PromptVersion {
        guard !new.taskType.isEmpty else {
            throw StoreError(.invalid, "a prompt version needs a task type")
        }
        guard !new.text.isBlank else {
            throw StoreError(.invalid, "the prompt text for \(new.taskType) is empty")
        }
        guard [.candidate, .canary, .active].contains(new.status) else {
            throw StoreError(
                .invalid,
                "a new prompt version starts as candidate, canary or active, not \(new.status.rawValue)"
            )
        }
        try await lockTaskType(new.taskType, on: db, logger: logger)
        let now = Date()
        let active = try await prompt(taskType: new.taskType, status: .active, on: db, logger: logger)
        let parentId: Int64?
        if let requested = new.parentId {
            let parent = try await requirePrompt(id: requested, on: db, logger: logger)
            guard parent.taskType == new.taskType else {
                throw StoreError(
                    .invalid,
                    "parent \(requested) is a \(parent.taskType) prompt, not a \(new.taskType) prompt"
                )
            }
            parentId = requested
        } else {
            parentId = active?.id
        }
        let version = try await db.query(
            "SELECT coalesce(max(version), 0) + 1 AS next FROM prompts WHERE task_type = \(new.taskType)", logger: logger
        ).collect { try $0.int("next") }.first ?? 1

        // Make room first: the unique indexes allow one active and one canary per task type.
        if new.status == .active, let active {
            try await setStatus(active, to: .retired, reason: "replaced by version \(version)", at: now, on: db, logger: logger)
        }
        if new.status == .canary, let canary = try await prompt(taskType: new.taskType, status: .canary, on: db, logger: logger) {
            try await setStatus(
                canary, to: .rejected, reason: "superseded by canary version \(version)", at: now, on: db, logger: logger
            )
        }

        let created = try await db.query(
            """
            INSERT INTO prompts (task_type, version, text, status, parent_id, author, reason, evidence, created_at)
            VALUES (\(new.taskType), \(Int64(version)), \(new.text), \(new.status.rawValue), \(parentId),
                \(new.author.rawValue), \(new.reason), \(new.evidence), \(now))
            RETURNING \(unescaped: columns)
            """,
            logger: logger
        ).collect(decode).first
        guard let created else {
            throw StoreError(.unavailable, "inserting a prompt version returned no row")
        }
        try await recordHistory(promptId: created.id, status: created.status, reason: new.reason, at: now, on: db, logger: logger)
        return created
    }

    /// Changes one version's status and appends the change to its history. Callers first make
    /// room where the unique indexes demand it.
    static func setStatus(
        _ prompt: PromptVersion, to status: PromptStatus, reason: String?, at now: Date, on db: PostgresConnection,
        logger: Logger
    ) async throws {
        try await db.query("UPDATE prompts SET status = \(status.rawValue) WHERE id = \(prompt.id)", logger: logger)
        try await recordHistory(promptId: prompt.id, status: status, reason: reason, at: now, on: db, logger: logger)
    }

    static func recordHistory(
        promptId: Int64, status: PromptStatus, reason: String?, at now: Date, on db: PostgresConnection, logger: Logger
    ) async throws {
        try await db.query(
            """
            INSERT INTO prompt_status_history (prompt_id, status, reason, at)
            VALUES (\(promptId), \(status.rawValue), \(reason), \(now))
            """,
            logger: logger
        )
    }

    /// Makes `target` the active version, retiring the one it replaces. The caller holds the
    /// task type's lock.
    static func activate(
        _ target: PromptVersion, reason: String?, at now: Date, on db: PostgresConnection, logger: Logger
    ) async throws {
        if let active = try await prompt(taskType: target.taskType, status: .active, on: db, logger: logger) {
            try await setStatus(active, to: .retired, reason: "replaced by version \(target.version)", at: now, on: db, logger: logger)
        }
        try await setStatus(target, to: .active, reason: reason, at: now, on: db, logger: logger)
    }

    /// The version that was active most recently before `current` (see the SQLite store for
    /// the rule): rolled-back and rejected versions are skipped; the parent is the fallback.
    static func rollbackTarget(
        from current: PromptVersion, on db: PostgresConnection, logger: Logger
    ) async throws -> PromptVersion? {
        let previous = try await db.query(
            """
            SELECT \(unescaped: joinedColumns)
            FROM prompt_status_history h JOIN prompts p ON p.id = h.prompt_id
            WHERE p.task_type = \(current.taskType) AND h.status = 'active' AND p.id <> \(current.id)
                AND p.status NOT IN ('rolled_back', 'rejected')
            ORDER BY h.id DESC LIMIT 1
            """,
            logger: logger
        ).collect(decode).first
        if let previous {
            return previous
        }
        guard let parentId = current.parentId, let parent = try await prompt(id: parentId, on: db, logger: logger),
            ![.rolledBack, .rejected].contains(parent.status)
        else {
            return nil
        }
        return parent
    }
}

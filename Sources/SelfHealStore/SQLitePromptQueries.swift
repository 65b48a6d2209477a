import Foundation
import SelfHealSQLite
import SelfHealCore

/// The statements behind the prompt operations. Each takes the connection it runs on, so the
/// same query serves a plain read (reader) and a read inside a write transaction (writer).
enum SQLitePromptQueries {
    static let columns = "id, task_type, version, text, status, parent_id, author, reason, evidence, created_at"
    /// `columns` of `prompts` aliased as `p`, for joins.
    static let joinedColumns = columns.split(separator: ", ").map { "p.\($0)" }.joined(separator: ", ")

    static func decode(_ row: SQLiteRow) throws -> PromptVersion {
        PromptVersion(
            id: try row.int64("id"),
            taskType: try row.string("task_type"),
            version: try row.int("version"),
            text: try row.string("text"),
            status: try row.rawEnum("status", as: PromptStatus.self),
            parentId: try row.optionalInt64("parent_id"),
            author: try row.rawEnum("author", as: PromptAuthor.self),
            reason: try row.optionalString("reason"),
            evidence: try row.idList("evidence"),
            createdAt: try row.date("created_at")
        )
    }

    static func prompt(id: Int64, on db: SQLiteConnection) async throws -> PromptVersion? {
        try await db.rows("SELECT \(columns) FROM prompts WHERE id = ?", [.int64(id)]).first.map(decode)
    }

    static func prompt(taskType: String, status: PromptStatus, on db: SQLiteConnection) async throws -> PromptVersion? {
        try await db.rows(
            "SELECT \(columns) FROM prompts WHERE task_type = ? AND status = ? ORDER BY id DESC LIMIT 1",
            [.text(taskType), .text(status.rawValue)]
        ).first.map(decode)
    }

    static func requirePrompt(id: Int64, on db: SQLiteConnection) async throws -> PromptVersion {
        guard let prompt = try await prompt(id: id, on: db) else {
            throw StoreError(.notFound, "no prompt version with id \(id)")
        }
        return prompt
    }

    static func hasAnyPrompt(taskType: String, on db: SQLiteConnection) async throws -> Bool {
        try await !db.rows("SELECT 1 FROM prompts WHERE task_type = ? LIMIT 1", [.text(taskType)]).isEmpty
    }

    /// Writes a new version; the caller runs this inside a transaction.
    static func insert(_ new: NewPrompt, at now: Date, on db: SQLiteConnection) async throws -> PromptVersion {
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
        let active = try await prompt(taskType: new.taskType, status: .active, on: db)
        let parentId: Int64?
        if let requested = new.parentId {
            let parent = try await requirePrompt(id: requested, on: db)
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
        let version = try await db.rows(
            "SELECT coalesce(max(version), 0) + 1 AS next FROM prompts WHERE task_type = ?", [.text(new.taskType)]
        ).first?.int("next") ?? 1

        // Make room first: the unique indexes allow one active and one canary per task type.
        if new.status == .active, let active {
            try await setStatus(active, to: .retired, reason: "replaced by version \(version)", at: now, on: db)
        }
        if new.status == .canary, let canary = try await prompt(taskType: new.taskType, status: .canary, on: db) {
            try await setStatus(canary, to: .rejected, reason: "superseded by canary version \(version)", at: now, on: db)
        }

        let row = try await db.rows(
            """
            INSERT INTO prompts (task_type, version, text, status, parent_id, author, reason, evidence, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING \(columns)
            """,
            [
                .text(new.taskType), .int64(Int64(version)), .text(new.text), .text(new.status.rawValue),
                .int64OrNull(parentId), .text(new.author.rawValue), .textOrNull(new.reason),
                .idList(new.evidence), .date(now),
            ]
        ).first
        guard let row else {
            throw StoreError(.unavailable, "inserting a prompt version returned no row")
        }
        let created = try decode(row)
        try await recordHistory(promptId: created.id, status: created.status, reason: new.reason, at: now, on: db)
        return created
    }

    /// Changes one version's status and appends the change to its history. Does not touch any
    /// other version: callers first make room where the unique indexes demand it.
    static func setStatus(
        _ prompt: PromptVersion, to status: PromptStatus, reason: String?, at now: Date, on db: SQLiteConnection
    ) async throws {
        _ = try await db.rows("UPDATE prompts SET status = ? WHERE id = ?", [.text(status.rawValue), .int64(prompt.id)])
        try await recordHistory(promptId: prompt.id, status: status, reason: reason, at: now, on: db)
    }

    static func recordHistory(
        promptId: Int64, status: PromptStatus, reason: String?, at now: Date, on db: SQLiteConnection
    ) async throws {
        _ = try await db.rows(
            "INSERT INTO prompt_status_history (prompt_id, status, reason, at) VALUES (?, ?, ?, ?)",
            [.int64(promptId), .text(status.rawValue), .textOrNull(reason), .date(now)]
        )
    }

    /// Makes `target` the active version, retiring the one it replaces.
    static func activate(_ target: PromptVersion, reason: String?, at now: Date, on db: SQLiteConnection) async throws {
        if let active = try await prompt(taskType: target.taskType, status: .active, on: db) {
            try await setStatus(active, to: .retired, reason: "replaced by version \(target.version)", at: now, on: db)
        }
        try await setStatus(target, to: .active, reason: reason, at: now, on: db)
    }

    /// The version that was active most recently before `current`, from the status history,
    /// falling back to `current`'s parent for versions written without history. Versions since
    /// rolled back or rejected are skipped: a second rollback walks further back, it does not
    /// bring back what the first one removed.
    static func rollbackTarget(from current: PromptVersion, on db: SQLiteConnection) async throws -> PromptVersion? {
        let excluded = [PromptStatus.rolledBack.rawValue, PromptStatus.rejected.rawValue]
        let previous = try await db.rows(
            """
            SELECT \(joinedColumns)
            FROM prompt_status_history h JOIN prompts p ON p.id = h.prompt_id
            WHERE p.task_type = ? AND h.status = 'active' AND p.id <> ? AND p.status NOT IN (?, ?)
            ORDER BY h.id DESC LIMIT 1
            """,
            [.text(current.taskType), .int64(current.id), .text(excluded[0]), .text(excluded[1])]
        ).first.map(decode)
        if let previous {
            return previous
        }
        guard let parentId = current.parentId, let parent = try await prompt(id: parentId, on: db),
            !excluded.contains(parent.status.rawValue)
        else {
            return nil
        }
        return parent
    }
}

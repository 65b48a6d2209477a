import Foundation
import Logging
import SelfHealSQLite
public import SelfHealCore

extension SQLiteStore {
    public func seedPrompts(_ seeds: [NewPrompt]) async throws {
        // One transaction: two processes seeding at once cannot both see "no prompt yet".
        try await writePrompts("seeding prompts") { db in
            let now = Date()
            for seed in seeds {
                guard try await !SQLitePromptQueries.hasAnyPrompt(taskType: seed.taskType, on: db) else { continue }
                _ = try await SQLitePromptQueries.insert(seed, at: now, on: db)
            }
        }
    }

    /// From memory while no prompt has changed (see `LivePromptCache`): a version activated by
    /// any selfheal process serves the next request.
    public func activePrompt(taskType: String) async throws -> PromptVersion? {
        try await livePrompt(taskType: taskType, status: .active)
    }

    /// From memory like the active prompt: the worker asks for it on each request routed to the
    /// canary share, and most of the time there is none.
    public func canaryPrompt(taskType: String) async throws -> PromptVersion? {
        try await livePrompt(taskType: taskType, status: .canary)
    }

    private func livePrompt(taskType: String, status: PromptStatus) async throws -> PromptVersion? {
        let key = LivePromptCache.Key(taskType: taskType, status: status)
        let (cached, ticket) = livePrompts.lookup(key)
        if let cached { return cached }
        let prompt = try await read("reading the \(status.rawValue) \(taskType) prompt") { db in
            try await SQLitePromptQueries.prompt(taskType: taskType, status: status, on: db)
        }
        livePrompts.keep(prompt, for: key, ticket: ticket)
        return prompt
    }

    public func prompt(id: Int64) async throws -> PromptVersion? {
        try await read("reading prompt \(id)") { db in
            try await SQLitePromptQueries.prompt(id: id, on: db)
        }
    }

    public func prompts(taskType: String?) async throws -> [PromptVersion] {
        try await read("listing prompts") { db in
            let columns = SQLitePromptQueries.columns
            let rows: [SQLiteRow]
            if let taskType {
                rows = try await db.rows(
                    "SELECT \(columns) FROM prompts WHERE task_type = ? ORDER BY id DESC", [.text(taskType)]
                )
            } else {
                rows = try await db.rows("SELECT \(columns) FROM prompts ORDER BY id DESC")
            }
            return try rows.map(SQLitePromptQueries.decode)
        }
    }

    public func createPrompt(_ new: NewPrompt) async throws -> PromptVersion {
        try await writePrompts("writing a \(new.taskType) prompt") { db in
            try await SQLitePromptQueries.insert(new, at: Date(), on: db)
        }
    }

    public func activatePrompt(id: Int64, reason: String?) async throws -> PromptVersion {
        try await writePrompts("activating prompt \(id)") { db in
            let target = try await SQLitePromptQueries.requirePrompt(id: id, on: db)
            // Activating the active version changes nothing and records nothing.
            guard target.status != .active else { return target }
            try await SQLitePromptQueries.activate(target, reason: reason, at: Date(), on: db)
            return try await SQLitePromptQueries.requirePrompt(id: id, on: db)
        }
    }

    public func setPromptStatus(id: Int64, status: PromptStatus, reason: String?) async throws -> PromptVersion {
        try await writePrompts("setting the status of prompt \(id)") { db in
            let target = try await SQLitePromptQueries.requirePrompt(id: id, on: db)
            guard target.status != status else { return target }
            let now = Date()
            switch (target.status, status) {
            case (_, .active):
                try await SQLitePromptQueries.activate(target, reason: reason, at: now, on: db)
            case (.active, _):
                // Taking the active version away would leave the task type with nothing to serve.
                throw StoreError(
                    .conflict,
                    "prompt \(id) is the active \(target.taskType) version; activate another version or roll back instead"
                )
            case (_, .canary):
                if let canary = try await SQLitePromptQueries.prompt(taskType: target.taskType, status: .canary, on: db) {
                    try await SQLitePromptQueries.setStatus(
                        canary, to: .rejected, reason: "superseded by canary version \(target.version)", at: now, on: db
                    )
                }
                try await SQLitePromptQueries.setStatus(target, to: .canary, reason: reason, at: now, on: db)
            default:
                try await SQLitePromptQueries.setStatus(target, to: status, reason: reason, at: now, on: db)
            }
            return try await SQLitePromptQueries.requirePrompt(id: id, on: db)
        }
    }

    public func rollbackPrompt(taskType: String, reason: String?) async throws -> PromptVersion {
        try await writePrompts("rolling back the \(taskType) prompt") { db in
            guard let current = try await SQLitePromptQueries.prompt(taskType: taskType, status: .active, on: db) else {
                throw StoreError(.conflict, "cannot roll back \(taskType): it has no active prompt version")
            }
            guard let target = try await SQLitePromptQueries.rollbackTarget(from: current, on: db) else {
                throw StoreError(
                    .conflict,
                    "cannot roll back \(taskType): no earlier version to return to (version \(current.version) is the only one that was active)"
                )
            }
            let now = Date()
            // Current first: the unique index allows one active version per task type.
            try await SQLitePromptQueries.setStatus(
                current, to: .rolledBack, reason: reason ?? "rolled back to version \(target.version)", at: now, on: db
            )
            try await SQLitePromptQueries.setStatus(
                target, to: .active, reason: reason ?? "restored by rolling back version \(current.version)", at: now, on: db
            )
            return try await SQLitePromptQueries.requirePrompt(id: target.id, on: db)
        }
    }

    public func promptHistory(id: Int64) async throws -> [PromptStatusChange] {
        let rows = try await read("reading the history of prompt \(id)") { db in
            // The LEFT JOIN tells an unknown id (one row of nulls) from a version without history (no rows).
            try await db.rows(
                """
                SELECT p.id AS known, h.prompt_id, h.status, h.reason, h.at
                FROM prompts p LEFT JOIN prompt_status_history h ON h.prompt_id = p.id
                WHERE p.id = ? ORDER BY h.id
                """,
                [.int64(id)]
            )
        }
        guard !rows.isEmpty else {
            throw StoreError(.notFound, "no prompt version with id \(id)")
        }
        return try rows.filter { $0.column("status")?.isNull == false }.map { row in
            PromptStatusChange(
                promptId: try row.int64("prompt_id"),
                status: try row.rawEnum("status", as: PromptStatus.self),
                reason: try row.optionalString("reason"),
                at: try row.date("at")
            )
        }
    }

    /// A write to the prompts: from its start until after its commit (or failure: it may have
    /// committed) this process serves no live prompt from memory; then it tells the others
    /// through the marker.
    private func writePrompts<T>(_ operation: String, _ body: (SQLiteConnection) async throws -> T) async throws -> T {
        livePrompts.beginChange()
        defer {
            livePrompts.endChange()
            if let marker = livePrompts.marker, let why = marker.touch() {
                logger.warning("Other processes on this database see the prompt change within a second, not at once", metadata: [
                    "store.path": "\(marker.path)", "error": "\(why)",
                ])
            }
        }
        return try await write(operation, body)
    }
}

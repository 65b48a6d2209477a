import Foundation
import PostgresNIO
public import SelfHealCore

extension PostgresStore {
    public func seedPrompts(_ seeds: [NewPrompt]) async throws {
        // Under each task type's lock: two processes seeding at once cannot both see "no prompt yet".
        try await write("seeding prompts") { db, logger in
            for seed in seeds {
                try await PostgresPromptQueries.lockTaskType(seed.taskType, on: db, logger: logger)
                guard try await !PostgresPromptQueries.hasAnyPrompt(taskType: seed.taskType, on: db, logger: logger) else {
                    continue
                }
                _ = try await PostgresPromptQueries.insert(seed, on: db, logger: logger)
            }
        }
    }

    /// One indexed read per call: workers call this on every request, so a newly activated
    /// version serves the very next request.
    public func activePrompt(taskType: String) async throws -> PromptVersion? {
        try await read("reading the active \(taskType) prompt") { db, logger in
            try await PostgresPromptQueries.prompt(taskType: taskType, status: .active, on: db, logger: logger)
        }
    }

    public func canaryPrompt(taskType: String) async throws -> PromptVersion? {
        try await read("reading the canary \(taskType) prompt") { db, logger in
            try await PostgresPromptQueries.prompt(taskType: taskType, status: .canary, on: db, logger: logger)
        }
    }

    public func prompt(id: Int64) async throws -> PromptVersion? {
        try await read("reading prompt \(id)") { db, logger in
            try await PostgresPromptQueries.prompt(id: id, on: db, logger: logger)
        }
    }

    public func prompts(taskType: String?) async throws -> [PromptVersion] {
        try await read("listing prompts") { db, logger in
            let columns = PostgresPromptQueries.columns
            let rows: PostgresRowSequence
            if let taskType {
                rows = try await db.query(
                    "SELECT \(unescaped: columns) FROM prompts WHERE task_type = \(taskType) ORDER BY id DESC", logger: logger
                )
            } else {
                rows = try await db.query("SELECT \(unescaped: columns) FROM prompts ORDER BY id DESC", logger: logger)
            }
            return try await rows.collect(PostgresPromptQueries.decode)
        }
    }

    public func createPrompt(_ new: NewPrompt) async throws -> PromptVersion {
        try await write("writing a \(new.taskType) prompt") { db, logger in
            try await PostgresPromptQueries.insert(new, on: db, logger: logger)
        }
    }

    public func activatePrompt(id: Int64, reason: String?) async throws -> PromptVersion {
        try await write("activating prompt \(id)") { db, logger in
            let target = try await self.lockedPrompt(id: id, on: db)
            // Activating the active version changes nothing and records nothing.
            guard target.status != .active else { return target }
            try await PostgresPromptQueries.activate(target, reason: reason, at: Date(), on: db, logger: logger)
            return try await PostgresPromptQueries.requirePrompt(id: id, on: db, logger: logger)
        }
    }

    public func setPromptStatus(id: Int64, status: PromptStatus, reason: String?) async throws -> PromptVersion {
        try await write("setting the status of prompt \(id)") { db, logger in
            let target = try await self.lockedPrompt(id: id, on: db)
            guard target.status != status else { return target }
            let now = Date()
            switch (target.status, status) {
            case (_, .active):
                try await PostgresPromptQueries.activate(target, reason: reason, at: now, on: db, logger: logger)
            case (.active, _):
                // Taking the active version away would leave the task type with nothing to serve.
                throw StoreError(
                    .conflict,
                    "prompt \(id) is the active \(target.taskType) version; activate another version or roll back instead"
                )
            case (_, .canary):
                if let canary = try await PostgresPromptQueries.prompt(
                    taskType: target.taskType, status: .canary, on: db, logger: logger
                ) {
                    try await PostgresPromptQueries.setStatus(
                        canary, to: .rejected, reason: "superseded by canary version \(target.version)", at: now, on: db,
                        logger: logger
                    )
                }
                try await PostgresPromptQueries.setStatus(target, to: .canary, reason: reason, at: now, on: db, logger: logger)
            default:
                try await PostgresPromptQueries.setStatus(target, to: status, reason: reason, at: now, on: db, logger: logger)
            }
            return try await PostgresPromptQueries.requirePrompt(id: id, on: db, logger: logger)
        }
    }

    public func rollbackPrompt(taskType: String, reason: String?) async throws -> PromptVersion {
        try await write("rolling back the \(taskType) prompt") { db, logger in
            try await PostgresPromptQueries.lockTaskType(taskType, on: db, logger: logger)
            guard let current = try await PostgresPromptQueries.prompt(taskType: taskType, status: .active, on: db, logger: logger)
            else {
                throw StoreError(.conflict, "cannot roll back \(taskType): it has no active prompt version")
            }
            guard let target = try await PostgresPromptQueries.rollbackTarget(from: current, on: db, logger: logger) else {
                throw StoreError(
                    .conflict,
                    "cannot roll back \(taskType): no earlier version to return to (version \(current.version) is the only one that was active)"
                )
            }
            let now = Date()
            // Current first: the unique index allows one active version per task type.
            try await PostgresPromptQueries.setStatus(
                current, to: .rolledBack, reason: reason ?? "rolled back to version \(target.version)", at: now, on: db,
                logger: logger
            )
            try await PostgresPromptQueries.setStatus(
                target, to: .active, reason: reason ?? "restored by rolling back version \(current.version)", at: now, on: db,
                logger: logger
            )
            return try await PostgresPromptQueries.requirePrompt(id: target.id, on: db, logger: logger)
        }
    }

    public func promptHistory(id: Int64) async throws -> [PromptStatusChange] {
        let rows = try await read("reading the history of prompt \(id)") { db, logger in
            // The LEFT JOIN tells an unknown id (no row) from a version without history (one row of nulls).
            try await db.query(
                """
                SELECT p.id AS known, h.prompt_id, h.status, h.reason, h.at
                FROM prompts p LEFT JOIN prompt_status_history h ON h.prompt_id = p.id
                WHERE p.id = \(id) ORDER BY h.id
                """,
                logger: logger
            ).collect { column -> PromptStatusChange? in
                guard let status = try column("status", as: String?.self) else { return nil }
                guard let parsed = PromptStatus(rawValue: status) else {
                    throw StoreError(.unavailable, "PostgreSQL column status holds unknown value \"\(status)\"")
                }
                return PromptStatusChange(
                    promptId: try column("prompt_id"), status: parsed, reason: try column("reason"), at: try column("at")
                )
            }
        }
        guard !rows.isEmpty else {
            throw StoreError(.notFound, "no prompt version with id \(id)")
        }
        return rows.compactMap { $0 }
    }

    /// Reads a version, takes its task type's lock, and reads it again: what the caller sees
    /// cannot change until the transaction ends.
    private func lockedPrompt(id: Int64, on db: PostgresConnection) async throws -> PromptVersion {
        let unlocked = try await PostgresPromptQueries.requirePrompt(id: id, on: db, logger: logger)
        try await PostgresPromptQueries.lockTaskType(unlocked.taskType, on: db, logger: logger)
        return try await PostgresPromptQueries.requirePrompt(id: id, on: db, logger: logger)
    }
}

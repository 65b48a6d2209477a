import Foundation
import PostgresNIO
import SelfHealCore

extension PostgresStore {
    /// One statement decides: the row is written only when there is none, it is the caller's,
    /// or it has expired; a returned row means the caller holds the lease. Concurrent callers
    /// are serialized by the primary key, so exactly one of them wins a free lease. Times come
    /// from the database's clock, which every process shares.
    public func acquireOptimizerLease(taskType: String, owner: String, ttl: Duration) async throws -> Bool {
        guard ttl > .zero else {
            throw StoreError(.invalid, "an optimizer lease needs a positive duration, not \(ttl)")
        }
        let (seconds, attoseconds) = ttl.components
        let ttlSeconds = Double(seconds) + Double(attoseconds) / 1e18
        return try await read("taking the \(taskType) optimizer lease") { db, logger in
            try await !db.query(
                """
                INSERT INTO optimizer_leases (task_type, owner, acquired_at, expires_at)
                VALUES (\(taskType), \(owner), clock_timestamp(), clock_timestamp() + make_interval(secs => \(ttlSeconds)))
                ON CONFLICT (task_type) DO UPDATE SET
                    owner = excluded.owner, acquired_at = excluded.acquired_at, expires_at = excluded.expires_at
                WHERE optimizer_leases.owner = excluded.owner OR optimizer_leases.expires_at <= clock_timestamp()
                RETURNING owner
                """,
                logger: logger
            ).collect { _ in true }.isEmpty
        }
    }

    public func releaseOptimizerLease(taskType: String, owner: String) async throws {
        try await read("releasing the \(taskType) optimizer lease") { db, logger in
            _ = try await db.query(
                "DELETE FROM optimizer_leases WHERE task_type = \(taskType) AND owner = \(owner)", logger: logger
            )
        }
    }
}

import Foundation
import SelfHealSQLite
import SelfHealCore

extension SQLiteStore {
    public func acquireOptimizerLease(taskType: String, owner: String, ttl: Duration) async throws -> Bool {
        guard ttl > .zero else {
            throw StoreError(.invalid, "an optimizer lease needs a positive duration, not \(ttl)")
        }
        let (seconds, attoseconds) = ttl.components
        let ttlSeconds = Double(seconds) + Double(attoseconds) / 1e18
        return try await write("taking the \(taskType) optimizer lease") { db in
            // Wall-clock time: the lease is shared with other processes, which see only the file.
            let now = Date()
            let holder = try await db.rows(
                "SELECT owner, expires_at FROM optimizer_leases WHERE task_type = ?", [.text(taskType)]
            ).first
            if let holder, try holder.string("owner") != owner, try holder.date("expires_at") > now {
                return false
            }
            _ = try await db.rows(
                """
                INSERT INTO optimizer_leases (task_type, owner, acquired_at, expires_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (task_type) DO UPDATE SET
                    owner = excluded.owner, acquired_at = excluded.acquired_at, expires_at = excluded.expires_at
                """,
                [.text(taskType), .text(owner), .date(now), .date(now.addingTimeInterval(ttlSeconds))]
            )
            return true
        }
    }

    public func releaseOptimizerLease(taskType: String, owner: String) async throws {
        try await write("releasing the \(taskType) optimizer lease") { db in
            _ = try await db.rows(
                "DELETE FROM optimizer_leases WHERE task_type = ? AND owner = ?", [.text(taskType), .text(owner)]
            )
        }
    }
}

import CSQLite
import Testing

@testable import SelfHealSQLite

/// The prepared statements a connection keeps: found again by their text, and when the cache
/// is full the one used longest ago is finalized to make room, not one just used.
@Suite struct StatementCacheTests {
    @Test("a full cache finalizes the statement used longest ago; taking one marks it used")
    func leastRecentlyUsedGoes() throws {
        var connection: OpaquePointer?
        #expect(sqlite3_open(":memory:", &connection) == SQLITE_OK)
        defer { sqlite3_close(connection) }
        func prepared(_ sql: String) -> OpaquePointer {
            var statement: OpaquePointer?
            #expect(sqlite3_prepare_v2(connection, sql, -1, &statement, nil) == SQLITE_OK)
            return statement!
        }
        var cache = StatementCache()
        var statements: [String: OpaquePointer] = [:]
        for n in 0..<StatementCache.capacity {
            let sql = "SELECT \(n)"
            statements[sql] = prepared(sql)
            cache.keep(statements[sql]!, for: sql)
        }
        // Every one is found by its text, as kept; then the first is the last used.
        for n in 1..<StatementCache.capacity {
            #expect(cache.take("SELECT \(n)") == statements["SELECT \(n)"])
        }
        #expect(cache.take("SELECT 0") == statements["SELECT 0"])
        #expect(cache.take("SELECT 999") == nil)
        // Two more: the two used longest ago (1 and 2) make room, 0 (just used) stays.
        cache.keep(prepared("SELECT 1000"), for: "SELECT 1000")
        cache.keep(prepared("SELECT 1001"), for: "SELECT 1001")
        #expect(cache.take("SELECT 1") == nil)
        #expect(cache.take("SELECT 2") == nil)
        #expect(cache.take("SELECT 0") == statements["SELECT 0"])
        #expect(cache.take("SELECT 3") == statements["SELECT 3"])
        #expect(cache.take("SELECT 1001") != nil)
        cache.finalizeAll()
        #expect(cache.take("SELECT 0") == nil)
    }
}

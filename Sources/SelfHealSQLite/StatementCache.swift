import CSQLite

/// Prepared statements kept by their SQL, the least recently used one finalized when a new one
/// needs its place. A request writes its log row with the same INSERT every time; preparing it
/// anew each time was a fifth of the statement's CPU.
struct StatementCache {
    /// Enough for every fixed statement the store runs.
    static let capacity = 64
    /// SQL longer than this (a bulk INSERT of many rows, built per call) is not kept.
    static let longest = 4096

    private var entries: [String: (statement: OpaquePointer, used: UInt64)] = [:]
    private var clock: UInt64 = 0

    /// The kept statement for `sql`, marked as just used.
    mutating func take(_ sql: String) -> OpaquePointer? {
        // One hash of the text (the log row's INSERT is ~700 bytes): the entry is marked used
        // through its index, not looked up again.
        guard let index = entries.index(forKey: sql) else { return nil }
        clock += 1
        entries.values[index].used = clock
        return entries.values[index].statement
    }

    /// Whether a statement for `sql` is worth keeping: it may run again (not DDL, which runs
    /// once per migration) and is not built per call.
    static func worthKeeping(_ sql: String) -> Bool {
        guard sql.utf8.count <= longest else { return false }
        let head = sql.utf8.drop(while: { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\t") })
            .prefix(6).map { $0 & 0xDF }  // ASCII upper case
        return !["CREATE", "DROP ", "ALTER ", "PRAGMA"].contains { head.starts(with: $0.utf8) }
    }

    /// Keeps `statement` for `sql`, finalizing the least recently used one if the cache is full.
    mutating func keep(_ statement: OpaquePointer, for sql: String) {
        if entries.count >= Self.capacity, let oldest = entries.min(by: { $0.value.used < $1.value.used }) {
            sqlite3_finalize(oldest.value.statement)
            entries[oldest.key] = nil
        }
        clock += 1
        entries[sql] = (statement, clock)
    }

    mutating func finalizeAll() {
        for entry in entries.values {
            sqlite3_finalize(entry.statement)
        }
        entries.removeAll()
    }
}

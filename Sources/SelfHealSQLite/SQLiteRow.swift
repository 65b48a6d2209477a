/// One result row: its values by position, and the statement's column names to find them by.
public struct SQLiteRow: Sendable {
    /// Shared by every row of one statement's result.
    let columns: SQLiteColumns
    public let values: [SQLiteData]

    /// The value of the column `name` (as the statement named it: `AS` wins), or nil if the
    /// statement has no such column.
    public func column(_ name: String) -> SQLiteData? {
        columns.index[name].map { values[$0] }
    }
}

/// A result's column names, built once per statement run rather than once per row.
final class SQLiteColumns: Sendable {
    let names: [String]
    let index: [String: Int]

    init(names: [String]) {
        self.names = names
        var index: [String: Int] = [:]
        // With two columns of one name the first wins, as SQLite's own lookups do.
        for (position, name) in names.enumerated() where index[name] == nil {
            index[name] = position
        }
        self.index = index
    }
}

/// One SQLite value, bound as a parameter or read from a column. SQLite's five storage classes.
public enum SQLiteData: Sendable, Equatable, CustomStringConvertible {
    case integer(Int64)
    case float(Double)
    case text(String)
    case blob([UInt8])
    case null

    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// A boolean column is stored as 0 or 1; anything else is not a boolean.
    public var bool: Bool? {
        switch self {
        case .integer(0): return false
        case .integer(1): return true
        default: return nil
        }
    }

    /// Names the storage class with the value, for error messages about an unexpected column;
    /// long text and blobs are cut short so a message never carries a whole answer.
    public var description: String {
        switch self {
        case .integer(let value): return "integer \(value)"
        case .float(let value): return "real \(value)"
        case .text(let value):
            let shown = value.count > 80 ? String(value.prefix(80)) + "…" : value
            return "text \"\(shown)\""
        case .blob(let bytes): return "a blob of \(bytes.count) bytes"
        case .null: return "NULL"
        }
    }
}

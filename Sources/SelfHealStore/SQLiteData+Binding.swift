import Foundation
import SelfHealSQLite

/// Conversions from model values to bound parameters, so no call site has to think about
/// how a nil, a date or a list is represented.
extension SQLiteData {
    static func textOrNull(_ value: String?) -> SQLiteData {
        value.map { .text($0) } ?? .null
    }

    static func int64(_ value: Int64) -> SQLiteData {
        .integer(value)
    }

    static func int64OrNull(_ value: Int64?) -> SQLiteData {
        value.map { .integer($0) } ?? .null
    }

    static func intOrNull(_ value: Int?) -> SQLiteData {
        value.map { .integer(Int64($0)) } ?? .null
    }

    static func doubleOrNull(_ value: Double?) -> SQLiteData {
        value.map { .float($0) } ?? .null
    }

    static func bool(_ value: Bool) -> SQLiteData {
        .integer(value ? 1 : 0)
    }

    /// Unix seconds: ordering and range queries compare plain numbers.
    static func date(_ value: Date) -> SQLiteData {
        .float(value.timeIntervalSince1970)
    }

    static func idList(_ ids: [Int64]) -> SQLiteData {
        // Encoding an array of integers cannot fail.
        let json = (try? JSONEncoder().encode(ids)).flatMap { String(data: $0, encoding: .utf8) } ?? "[]"
        return .text(json)
    }
}

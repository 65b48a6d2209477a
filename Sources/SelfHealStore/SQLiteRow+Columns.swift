import Foundation
import SelfHealSQLite
import SelfHealCore

/// Typed column access. A value of the wrong type means the file was written by something
/// other than this store (or is damaged); the error names the column so it can be found.
extension SQLiteRow {
    private func value(_ name: String) throws -> SQLiteData {
        guard let data = column(name) else {
            throw StoreError(.unavailable, "SQLite row has no column \(name); is the schema older than this program?")
        }
        return data
    }

    private func unexpected(_ name: String, _ data: SQLiteData, _ expected: String) -> StoreError {
        StoreError(.unavailable, "SQLite column \(name) holds \(data), expected \(expected)")
    }

    func int64(_ name: String) throws -> Int64 {
        let data = try value(name)
        guard case .integer(let value) = data else { throw unexpected(name, data, "an integer") }
        return value
    }

    func optionalInt64(_ name: String) throws -> Int64? {
        let data = try value(name)
        return data.isNull ? nil : try int64(name)
    }

    func int(_ name: String) throws -> Int {
        Int(try int64(name))
    }

    func optionalInt(_ name: String) throws -> Int? {
        try optionalInt64(name).map(Int.init)
    }

    func double(_ name: String) throws -> Double {
        let data = try value(name)
        switch data {
        case .float(let value): return value
        // SQLite stores a REAL that is a whole number as an integer on some paths; both are fine.
        case .integer(let value): return Double(value)
        default: throw unexpected(name, data, "a number")
        }
    }

    func optionalDouble(_ name: String) throws -> Double? {
        let data = try value(name)
        return data.isNull ? nil : try double(name)
    }

    func bool(_ name: String) throws -> Bool {
        let data = try value(name)
        guard let value = data.bool else { throw unexpected(name, data, "0 or 1") }
        return value
    }

    func string(_ name: String) throws -> String {
        let data = try value(name)
        guard case .text(let value) = data else { throw unexpected(name, data, "text") }
        return value
    }

    func optionalString(_ name: String) throws -> String? {
        let data = try value(name)
        return data.isNull ? nil : try string(name)
    }

    /// Dates are stored as Unix seconds (REAL).
    func date(_ name: String) throws -> Date {
        Date(timeIntervalSince1970: try double(name))
    }

    func rawEnum<T: RawRepresentable>(_ name: String, as type: T.Type) throws -> T where T.RawValue == String {
        let raw = try string(name)
        guard let value = T(rawValue: raw) else {
            throw StoreError(.unavailable, "SQLite column \(name) holds unknown value \"\(raw)\"")
        }
        return value
    }

    /// Evidence lists are stored as JSON arrays of log ids.
    func idList(_ name: String) throws -> [Int64] {
        let text = try string(name)
        do {
            return try JSONDecoder().decode([Int64].self, from: Data(text.utf8))
        } catch {
            throw StoreError(.unavailable, "SQLite column \(name) holds \(text), expected a JSON array of ids")
        }
    }
}

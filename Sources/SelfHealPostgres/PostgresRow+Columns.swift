import Foundation
import PostgresNIO
import SelfHealCore

/// Typed column access by name. A missing column or a value of the wrong type means the schema
/// is not the one this build expects; the error names the column so it can be found.
struct PostgresColumns {
    private let row: PostgresRandomAccessRow

    init(_ row: PostgresRow) {
        self.row = row.makeRandomAccess()
    }

    func callAsFunction<T: PostgresDecodable>(_ name: String, as type: T.Type = T.self) throws -> T {
        guard row.contains(name) else {
            throw StoreError(.unavailable, "PostgreSQL row has no column \(name); is the schema older than this program?")
        }
        do {
            return try row[name].decode(T.self)
        } catch {
            throw StoreError(.unavailable, "PostgreSQL column \(name) does not hold a \(T.self)")
        }
    }

    func int(_ name: String) throws -> Int {
        Int(try self(name, as: Int64.self))
    }

    func optionalInt(_ name: String) throws -> Int? {
        try self(name, as: Int64?.self).map(Int.init)
    }

    func rawEnum<T: RawRepresentable>(_ name: String, as type: T.Type) throws -> T where T.RawValue == String {
        let raw = try self(name, as: String.self)
        guard let value = T(rawValue: raw) else {
            throw StoreError(.unavailable, "PostgreSQL column \(name) holds unknown value \"\(raw)\"")
        }
        return value
    }
}

extension PostgresRowSequence {
    /// Collects every row, decoded with `transform`.
    func collect<T>(_ transform: (PostgresColumns) throws -> T) async throws -> [T] {
        var values: [T] = []
        for try await row in self {
            values.append(try transform(PostgresColumns(row)))
        }
        return values
    }
}

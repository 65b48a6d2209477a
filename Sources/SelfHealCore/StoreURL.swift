import Foundation

/// Where the store lives, parsed from `--database` / `SELFHEAL_DATABASE_URL`.
public enum StoreURL: Sendable, Equatable {
    case sqlite(path: String)
    /// The URL as given, for the PostgreSQL client to parse.
    case postgres(String)

    static let acceptedForms = "sqlite:PATH, sqlite://PATH (sqlite:///abs/path for an absolute path) or postgres://USER:PASSWORD@HOST:PORT/DATABASE"

    /// Accepts `sqlite:PATH`, `sqlite://PATH`, `postgres://...` and `postgresql://...`.
    public static func parse(_ string: String) throws -> StoreURL {
        let text = string.trimmingCharacters(in: .whitespaces)
        let lowered = text.lowercased()
        if lowered.hasPrefix("postgres://") || lowered.hasPrefix("postgresql://") {
            return .postgres(text)
        }
        if lowered.hasPrefix("sqlite:") {
            var path = text.dropFirst("sqlite:".count)
            if path.hasPrefix("//") {
                path = path.dropFirst(2)
            }
            guard !path.isEmpty else {
                throw StoreError(.invalid, "database URL \"\(text)\" names no file; use \(acceptedForms)")
            }
            // Two connections share the store, and each would get its own in-memory database.
            guard path != ":memory:" else {
                throw StoreError(.invalid, "in-memory SQLite is not supported; name a file, e.g. sqlite:/tmp/selfheal.db")
            }
            return .sqlite(path: String(path))
        }
        // Only the scheme is echoed: the rest of an unsupported URL may hold a password.
        let shown = text.firstIndex(of: ":").map { "scheme \"\(text[..<$0])\"" } ?? "\"\(text)\""
        throw StoreError(.invalid, "unsupported database URL \(shown); use \(acceptedForms)")
    }
}

extension StoreURL: CustomStringConvertible {
    /// Safe to log: a PostgreSQL password is replaced by `***`.
    public var description: String {
        switch self {
        case .sqlite(let path):
            return "sqlite:\(path)"
        case .postgres(let url):
            guard let schemeEnd = url.range(of: "://"), let at = url[schemeEnd.upperBound...].lastIndex(of: "@"),
                let colon = url[schemeEnd.upperBound..<at].firstIndex(of: ":")
            else {
                return url
            }
            return url[..<url.index(after: colon)] + "***" + url[at...]
        }
    }
}

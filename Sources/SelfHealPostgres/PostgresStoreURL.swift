import Foundation
import PostgresNIO
import SelfHealCore

/// Connection settings parsed from `postgres://USER:PASSWORD@HOST:PORT/DATABASE?sslmode=...`.
///
/// Query parameters: `sslmode` = `disable`, `prefer` (the default, as in libpq) or `require`
/// (`verify-ca` and `verify-full` are treated as `require`, which verifies the certificate);
/// `search_path` sets the schema the store's tables live in (tests give each run its own).
/// `description` never shows the password.
struct PostgresStoreURL: Sendable, CustomStringConvertible {
    enum SSLMode: String, Sendable {
        case disable, prefer, require
    }

    var host: String
    var port: Int
    var username: String
    var password: String?
    var database: String
    var sslMode: SSLMode
    var searchPath: String?

    static let form = "postgres://USER:PASSWORD@HOST:PORT/DATABASE?sslmode=disable|prefer|require"

    init(parsing text: String) throws {
        // Never echo `text` in an error: it may hold the password.
        guard let components = URLComponents(string: text),
            let scheme = components.scheme?.lowercased(), scheme == "postgres" || scheme == "postgresql"
        else {
            throw StoreError(.invalid, "not a PostgreSQL URL; expected \(Self.form)")
        }
        guard let user = components.user, !user.isEmpty else {
            throw StoreError(.invalid, "the PostgreSQL URL names no user; expected \(Self.form)")
        }
        username = user
        password = components.password
        host = components.host.flatMap { $0.isEmpty ? nil : $0 } ?? "localhost"
        port = components.port ?? 5432
        guard (1...65_535).contains(port) else {
            throw StoreError(.invalid, "the PostgreSQL URL has port \(port), outside 1...65535")
        }
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        database = path.isEmpty ? user : path
        sslMode = .prefer
        searchPath = nil
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                switch item.value ?? "" {
                case "disable": sslMode = .disable
                case "allow", "prefer": sslMode = .prefer
                case "require", "verify-ca", "verify-full": sslMode = .require
                case let other:
                    throw StoreError(.invalid, "sslmode \"\(other)\" is not one of disable, prefer, require")
                }
            case "search_path":
                searchPath = item.value.flatMap { $0.isEmpty ? nil : $0 }
            default:
                throw StoreError(.invalid, "unknown PostgreSQL URL parameter \"\(item.name)\"; known: sslmode, search_path")
            }
        }
    }

    /// Where the store connects, without the password.
    var description: String {
        var text = "postgres://\(username)@\(host):\(port)/\(database)"
        if let searchPath {
            text += " (schema \(searchPath))"
        }
        return text
    }

    /// The same settings for one unpooled connection, used to find out why the pool cannot connect.
    func connectionConfiguration() throws -> PostgresConnection.Configuration {
        let tls: PostgresConnection.Configuration.TLS
        switch sslMode {
        case .disable: tls = .disable
        case .prefer: tls = .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
        case .require: tls = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
        }
        var configuration = PostgresConnection.Configuration(
            host: host, port: port, username: username, password: password, database: database, tls: tls
        )
        configuration.options.connectTimeout = .seconds(5)
        return configuration
    }

    func clientConfiguration() -> PostgresClient.Configuration {
        let tls: PostgresClient.Configuration.TLS
        switch sslMode {
        case .disable: tls = .disable
        case .prefer: tls = .prefer(.makeClientConfiguration())
        case .require: tls = .require(.makeClientConfiguration())
        }
        var configuration = PostgresClient.Configuration(
            host: host, port: port, username: username, password: password, database: database, tls: tls
        )
        // A server that is down must turn into a quick `unavailable`, not a long hang.
        configuration.options.connectTimeout = .seconds(5)
        if let searchPath {
            // Startup parameters set any run-time setting for the session, like libpq's `options=-c`.
            configuration.options.additionalStartupParameters = [("search_path", searchPath)]
        }
        return configuration
    }
}

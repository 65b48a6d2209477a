import Logging
import PostgresNIO
import SelfHealCore
import Synchronization

extension PostgresStore {
    /// Turns any error into a `StoreError` a caller can act on and an operator can read. Raw
    /// driver errors never escape. `PSQLError.description` is redacted by design, so the full
    /// error goes to the log via `String(reflecting:)`; the message keeps what is safe to show
    /// (SQLSTATE and server message; the password appears in no error).
    func storeError(_ error: any Error, while operation: String) async -> StoreError {
        if let error = error as? StoreError {
            return error
        }
        let metadata: Logger.Metadata = [
            "store.endpoint": "\(endpoint)", "store.operation": "\(operation)", "error": "\(String(reflecting: error))",
        ]
        if let error = error as? PSQLError, error.code == .server, let state = error.serverInfo?[.sqlState] {
            let message = error.serverInfo?[.message] ?? "no message"
            switch state {
            case "23505", "23503", "23514", "23502":
                // unique, foreign key, check and not-null violations: the caller asked for something impossible.
                return StoreError(.conflict, "\(operation) was refused by the database: \(message)")
            case "42P01", "42703":
                // A missing table or column: a caller that skipped migrate(), or an older schema.
                return StoreError(.unavailable, "PostgreSQL \(endpoint) failed while \(operation): \(message) (has migrate() run?)")
            default:
                logger.warning("PostgreSQL operation failed", metadata: metadata)
                return StoreError(.unavailable, "PostgreSQL \(endpoint) failed while \(operation): \(message) (SQLSTATE \(state))")
            }
        }
        if error is PSQLError || String(reflecting: type(of: error)).contains("ConnectionPoolError") {
            // The connection broke or the pool gave up connecting (its circuit breaker tripped;
            // ConnectionPoolError lives in postgres-nio's underscored pool module, hence the name
            // check): find out why, in words.
            logger.warning("PostgreSQL unreachable", metadata: metadata)
            return StoreError(.unavailable, "PostgreSQL \(endpoint) is unreachable while \(operation): \(await unreachableReason())")
        }
        logger.warning("PostgreSQL operation failed", metadata: metadata)
        return StoreError(.unavailable, "PostgreSQL \(endpoint) failed while \(operation): \(error)")
    }

    /// Why the server cannot be used, found by opening one connection of our own with the same
    /// settings: "connection refused", "password authentication failed ...", a TLS refusal.
    /// Only on the failure path, and one at a time: a burst of failing requests does not turn
    /// into a burst of connection attempts.
    func unreachableReason() async -> String {
        let first = diagnosing.withLock { running in
            defer { running = true }
            return !running
        }
        guard first else { return "no connection could be established" }
        defer { diagnosing.withLock { $0 = false } }
        do {
            let connection = try await PostgresConnection.connect(
                configuration: try url.connectionConfiguration(), id: 0, logger: logger
            )
            try? await connection.close()
            // It answers now: a restart or a network blip that has just ended.
            return "the connection was lost; the server answers again, retry"
        } catch let error as PSQLError {
            return Self.reason(error)
        } catch {
            return "\(error)"
        }
    }

    /// Whether a connection of our own, with the pool's settings, is accepted now.
    func serverAnswers() async -> Bool {
        guard let connection = try? await PostgresConnection.connect(
            configuration: try url.connectionConfiguration(), id: 0, logger: logger
        ) else { return false }
        try? await connection.close()
        return true
    }

    /// A short, password-free cause.
    static func reason(_ error: PSQLError) -> String {
        switch error.code {
        case .server:
            let message = error.serverInfo?[.message] ?? "error"
            let state = error.serverInfo?[.sqlState].map { " (SQLSTATE \($0))" } ?? ""
            return "the server refused: \(message)\(state)"
        case .connectionError:
            guard let underlying = error.underlying else { return "connection failed" }
            if let io = underlying as? IOError {
                return "connection failed: \(io.description)"
            }
            return "connection failed: \(underlying)"
        case .serverClosedConnection, .uncleanShutdown:
            return "the server closed the connection"
        case .clientClosedConnection, .poolClosed:
            return "the connection pool is closed"
        case .sslUnsupported:
            return "the server does not support TLS (use sslmode=disable or prefer)"
        case .authMechanismRequiresPassword:
            return "the server requires a password and the URL has none"
        case .saslError, .unsupportedAuthMechanism:
            return "authentication failed"
        case .queryCancelled:
            return "the query was cancelled"
        default:
            return "\(error.code)"
        }
    }
}

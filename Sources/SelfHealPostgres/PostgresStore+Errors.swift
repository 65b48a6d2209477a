import Logging
import NIOCore
import PostgresNIO
import SelfHealCore

extension PostgresStore {
    /// Turns any error into a `StoreError` a caller can act on and an operator can read. Raw
    /// driver errors never escape. `PSQLError.description` is redacted by design, so the full
    /// error goes to the log via `String(reflecting:)`; the message keeps only what is safe to
    /// show (SQLSTATE and server message, never the password, which is in no error).
    func storeError(_ error: any Error, while operation: String) -> StoreError {
        if let error = error as? StoreError {
            return error
        }
        guard let error = error as? PSQLError else {
            logger.warning(
                "PostgreSQL operation failed",
                metadata: ["store.endpoint": "\(endpoint)", "store.operation": "\(operation)", "error": "\(String(reflecting: error))"]
            )
            return StoreError(.unavailable, "PostgreSQL \(endpoint) failed while \(operation): \(error)")
        }
        if error.code == .server, let state = error.serverInfo?[.sqlState] {
            let message = error.serverInfo?[.message] ?? "no message"
            switch state {
            case "23505", "23503", "23514", "23502":
                // unique, foreign key, check and not-null violations: the caller asked for something impossible.
                return StoreError(.conflict, "\(operation) was refused by the database: \(message)")
            case "42P01", "42703":
                // A missing table or column: a caller that skipped migrate(), or an older schema.
                return StoreError(.unavailable, "PostgreSQL \(endpoint) failed while \(operation): \(message) (has migrate() run?)")
            default:
                logger.warning(
                    "PostgreSQL operation failed",
                    metadata: ["store.endpoint": "\(endpoint)", "store.operation": "\(operation)", "error": "\(String(reflecting: error))"]
                )
                return StoreError(.unavailable, "PostgreSQL \(endpoint) failed while \(operation): \(message) (SQLSTATE \(state))")
            }
        }
        logger.warning(
            "PostgreSQL unreachable",
            metadata: ["store.endpoint": "\(endpoint)", "store.operation": "\(operation)", "error": "\(String(reflecting: error))"]
        )
        return StoreError(.unavailable, "PostgreSQL \(endpoint) is unreachable while \(operation): \(Self.reason(error))")
    }

    /// A short, password-free cause: "connection refused", "server closed the connection", ...
    static func reason(_ error: PSQLError) -> String {
        switch error.code {
        case .connectionError:
            if let underlying = error.underlying {
                if let io = underlying as? IOError {
                    return "connection failed (\(io.description))"
                }
                return "connection failed (\(underlying))"
            }
            return "connection failed"
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

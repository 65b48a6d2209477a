import Foundation
import Hummingbird
public import Logging
import NIOCore
public import SelfHealCore
public import SelfHealServer
import ServiceLifecycle
import UnixSignals

/// A role serving HTTP in this process: started, told its bound port, and shut down
/// gracefully (stop accepting, finish in-flight requests, then close the store).
public final class RunningRole: Sendable {
    public let port: Int
    public let store: (any Store)?
    private let group: ServiceGroup
    private let task: Task<Void, any Error>
    private let closeResources: @Sendable () async -> Void

    private init(port: Int, store: (any Store)?, group: ServiceGroup, task: Task<Void, any Error>, closeResources: @escaping @Sendable () async -> Void) {
        self.port = port
        self.store = store
        self.group = group
        self.task = task
        self.closeResources = closeResources
    }

    /// Starts the role and returns once it accepts connections. Port 0 picks a free port.
    /// With `handleSignals`, SIGTERM and SIGINT shut it down gracefully.
    public static func start(
        config: RoleConfiguration, providers: LLMProviders, logger: Logger, handleSignals: Bool = false
    ) async throws -> RunningRole {
        let assembled = try await RoleAssembly.assemble(config: config, providers: providers, logger: logger)
        return try await start(assembled: assembled, config: config, logger: logger, handleSignals: handleSignals)
    }

    /// Serves an already assembled role (tests swap parts of it).
    public static func start(
        assembled: AssembledRole, config: RoleConfiguration, logger: Logger,
        handleSignals: Bool = false
    ) async throws -> RunningRole {
        let (portStream, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let app = assembled.application(config: config, logger: logger) { port in
            portContinuation.yield(port)
            portContinuation.finish()
        }
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: app)],
                gracefulShutdownSignals: handleSignals ? [.sigterm, .sigint] : [],
                logger: logger
            )
        )
        let task = Task {
            defer { portContinuation.finish() }
            try await group.run()
        }
        var iterator = portStream.makeAsyncIterator()
        guard let port = await iterator.next() else {
            // The group ended before the server bound: surface why (e.g. the port is taken).
            do {
                try await task.value
            } catch let error as UsageError {
                await assembled.close()
                throw error
            } catch {
                await assembled.close()
                throw UsageError("cannot serve on \(config.host):\(config.port): \(error)")
            }
            await assembled.close()
            throw UsageError("cannot serve on \(config.host):\(config.port)")
        }
        return RunningRole(port: port, store: assembled.store, group: group, task: task, closeResources: assembled.close)
    }

    /// Waits until the role stops (a signal, or `shutdown()`), then closes what it opened.
    public func wait() async throws {
        do {
            try await task.value
        } catch {
            await closeResources()
            throw error
        }
        await closeResources()
    }

    /// Stops accepting, lets in-flight requests finish, then closes the store.
    public func shutdown() async {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
        await closeResources()
    }
}

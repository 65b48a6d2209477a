/// Bounds an async operation in time. The operation is cancelled when the time is up, and
/// must honour cancellation (AsyncHTTPClient does, body included).
enum Deadline {
    struct Exceeded: Error {}

    static func run<T: Sendable>(within timeout: Duration, _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await operation() }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let value = first else { throw Exceeded() }
            return value
        }
    }
}

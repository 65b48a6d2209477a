/// Runs generated code in isolation. `SandboxRunner` is the real one; tests of the roles
/// may substitute a fake.
public protocol CodeRunning: Sendable {
    /// Runs one job. Throws `SandboxError` when the job cannot be started (the queue is
    /// full, the language has no command); a program that fails, hangs or misbehaves is
    /// not an error but an `ExecResult` saying so.
    func run(_ job: SandboxJob) async throws -> ExecResult
}

public import Foundation

/// What a program printed and how it ended.
public struct ProgramOutput: Sendable {
    public var exitCode: Int32
    public var stdout: Data
    public var stderr: Data

    public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    public var stderrText: String { String(decoding: stderr, as: UTF8.self) }
}

/// Runs `executable` to its end and returns what it printed. The wait happens on dispatch
/// threads, never a cooperative one (a server under test needs those while the program talks to
/// it), and stdout and stderr are read side by side, so a program that fills one pipe cannot stall
/// on it while the other is read. After `timeout` the program is terminated, so a hung one fails
/// its test instead of the run.
public func runProgram(
    _ executable: String, _ arguments: [String], environment: [String: String]? = nil, directory: URL? = nil,
    timeout: Duration = .seconds(300)
) async throws -> ProgramOutput {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async {
            continuation.resume(with: Result {
                let out = try SpawnedProgram.pipe(), err = try SpawnedProgram.pipe()
                let process: SpawnedProgram
                do {
                    defer { close(out.write); close(err.write) }
                    process = try SpawnedProgram(
                        executable, arguments, environment: environment, directory: directory?.path, stdout: out.write, stderr: err.write
                    )
                }
                let watchdog = DispatchWorkItem { process.terminate() }
                let (seconds, attoseconds) = timeout.components
                DispatchQueue.global().asyncAfter(deadline: .now() + Double(seconds) + Double(attoseconds) / 1e18, execute: watchdog)
                let stderrRead = DispatchGroup()
                nonisolated(unsafe) var stderr = Data()
                DispatchQueue.global().async(group: stderrRead) { stderr = err.read.readDataToEndOfFile() }
                let stdout = out.read.readDataToEndOfFile()
                stderrRead.wait()
                process.waitUntilExit()
                watchdog.cancel()
                return ProgramOutput(exitCode: process.terminationStatus, stdout: stdout, stderr: stderr)
            })
        }
    }
}

import Foundation
#if canImport(Glibc)
import Glibc
#endif
import SelfHealCore

/// Turns a child's end into the `ExecResult` rules and people read.
enum ExecResultBuilder {
    /// Bytes of stderr kept in the result: enough for a traceback.
    static let tailBytes = 2_000

    /// What util-linux's `unshare --fork` prints and exits 1 with when its child dies of
    /// SIGKILL: it tries to re-raise the signal, and SIGKILL's handler cannot be reset.
    static let unshareKilledChild = "unshare: sigprocmask unblock failed: Invalid argument\n"

    /// `completed`: whether a harness saw the tests run to their end; nil without a harness,
    /// where the exit status alone decides. `memoryExceeded`: the run's memory limit, when the
    /// kernel killed one of its processes for going over it; the run fails then, whatever its
    /// first process went on to do.
    static func make(
        _ outcome: ChildProcess.Outcome, kind: ExecResult.Kind, timeout: Duration, cpuSeconds: Int, completed: Bool? = nil,
        memoryExceeded: Int? = nil
    ) -> ExecResult {
        var outcome = outcome
        var stderr = outcome.stderrTail
        if outcome.termination == .exited(1), stderr.count >= unshareKilledChild.utf8.count,
           stderr.suffix(unshareKilledChild.utf8.count).elementsEqual(unshareKilledChild.utf8) {
            stderr.removeLast(unshareKilledChild.utf8.count)
            outcome.termination = .signaled(SIGKILL)
        }
        var tail = String(decoding: stderr.suffix(tailBytes), as: UTF8.self)
        var exitCode: Int?
        var timedOut = outcome.timedOut
        switch outcome.termination {
        case .exited(let code):
            exitCode = Int(code)
        case .signaled(let signal):
            exitCode = -Int(signal)
        }
        let note: String?
        if let limit = memoryExceeded {
            note = "killed: the run's memory limit of \(limit >> 20) MiB exceeded (all its processes together)"
        } else if outcome.timedOut {
            note = "killed: wall-clock timeout of \(timeout) exceeded"
        } else if case .signaled(let signal) = outcome.termination {
            if signal == SIGXCPU || signal == SIGKILL && outcome.duration >= .seconds(cpuSeconds) {
                timedOut = true
                note = "killed: CPU time limit of \(cpuSeconds) s exceeded"
            } else if signal == SIGXFSZ {
                note = "killed: file size limit exceeded"
            } else {
                note = "killed by signal \(signal)"
            }
        } else if outcome.termination == .exited(0), completed == false {
            note = kind == .smoke || kind == .examples
                ? "the program exited with status 0 before its import completed (no completion record): the smoke run did not pass"
                : "the program exited with status 0 before the tests ran to completion (no completion record): the tests did not pass"
        } else {
            note = nil
        }
        if let note {
            if !tail.isEmpty && !tail.hasSuffix("\n") { tail += "\n" }
            tail += "[sandbox] " + note
        }
        return ExecResult(
            ran: true, passed: outcome.termination == .exited(0) && !timedOut && completed != false && memoryExceeded == nil,
            timedOut: timedOut, exitCode: exitCode,
            durationMs: Double(outcome.duration.milliseconds), stderrTail: tail, kind: kind
        )
    }
}

import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Finds and kills every process of one uid. When selfheal is root each sandbox has a uid of
/// its own, so this catches what escaped the process group (`setsid`, a double fork) even in
/// the rlimits-only fallback where no pid namespace takes it down.
enum ProcessSweep {
    /// Pids whose real or effective uid is `uid`, from /proc.
    static func processes(ofUID uid: Int) -> [pid_t] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        var found: [pid_t] = []
        for entry in entries {
            guard let pid = pid_t(entry), let status = try? String(contentsOfFile: "/proc/\(entry)/status", encoding: .utf8) else { continue }
            let lines = status.split(separator: "\n")
            // A zombie runs nothing and holds nothing but its pid until its parent reaps it.
            if lines.contains(where: { $0.hasPrefix("State:") && $0.contains("Z") }) { continue }
            guard let line = lines.first(where: { $0.hasPrefix("Uid:") }) else { continue }
            let ids = line.split(whereSeparator: { $0 == "\t" || $0 == " " }).dropFirst().prefix(2).compactMap { Int($0) }
            if ids.contains(uid) { found.append(pid) }
        }
        return found
    }

    /// Kills until none is left or `limit` passes; returns what survived (normally nothing).
    @discardableResult
    static func killAll(ofUID uid: Int, limit: Duration = .seconds(2)) -> [pid_t] {
        let deadline = ContinuousClock.now + limit
        var left = processes(ofUID: uid)
        // A dying process stays in /proc until its parent reaps it; a fork bomb may still be
        // forking while the first ones die. Repeat until /proc shows none.
        while !left.isEmpty && ContinuousClock.now < deadline {
            for pid in left { kill(pid, SIGKILL) }
            usleep(2_000)
            left = processes(ofUID: uid)
        }
        return left
    }
}

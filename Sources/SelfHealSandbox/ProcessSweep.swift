import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Finds and kills every process of one uid. When selfheal is root each sandbox has a uid of
/// its own, so this catches what escaped the process group (`setsid`, a double fork) even in
/// the rlimits-only fallback where no pid namespace takes it down. It runs after every job,
/// so it reads /proc with plain system calls rather than Foundation strings.
enum ProcessSweep {
    /// Live (not zombie) pids whose real or effective uid is `uid`, from /proc/PID/status.
    static func processes(ofUID uid: Int) -> [pid_t] {
        guard let directory = opendir("/proc") else { return [] }
        defer { closedir(directory) }
        var found: [pid_t] = []
        var buffer = [UInt8](repeating: 0, count: 2048)
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
            guard let pid = pid_t(name) else { continue }
            let descriptor = open("/proc/\(name)/status", O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else { continue }
            let count = read(descriptor, &buffer, buffer.count)
            close(descriptor)
            guard count > 0 else { continue }
            let status = buffer[0..<count]
            // A zombie runs nothing and holds nothing but its pid until its parent reaps it.
            if field("State:", in: status)?.first == UInt8(ascii: "Z") { continue }
            guard let ids = field("Uid:", in: status) else { continue }
            let numbers = ids.split(whereSeparator: { $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: " ") }).prefix(2)
            if numbers.contains(where: { Int(String(decoding: $0, as: UTF8.self)) == uid }) { found.append(pid) }
        }
        return found
    }

    /// The text after `name` up to the end of its line, leading whitespace removed.
    private static func field(_ name: String, in status: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
        let key = Array(name.utf8)
        var lineStart = status.startIndex
        while lineStart < status.endIndex {
            let lineEnd = status[lineStart...].firstIndex(of: UInt8(ascii: "\n")) ?? status.endIndex
            let line = status[lineStart..<lineEnd]
            if line.starts(with: key) {
                return line.dropFirst(key.count).drop(while: { $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: " ") })
            }
            lineStart = lineEnd + 1
        }
        return nil
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

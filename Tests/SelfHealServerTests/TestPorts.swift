import Foundation
import SelfHealTestSupport
import Synchronization

/// Ports `closedPort` has handed out in this test run: none is handed out twice.
private let handedOut = Mutex<Set<Int>>([])

/// A free port for a server to bind: bound once, then released. Only for a port a process is
/// about to listen on; for "nothing listens here", use `RefusingPort`, which nobody can take.
///
/// Picked below the kernel's ephemeral range where it can: a process test frees its port
/// between a kill and the restart, and a port from that range could meanwhile be taken by a
/// server another test starts on port 0 (then `/health` answers for the wrong process).
/// Ports below the range are never picked by the kernel, and never twice by this function.
func closedPort() throws -> Int {
    let low = ephemeralPortsStart()
    if low > 12_000 {
        for _ in 0..<200 {
            let candidate = Int.random(in: 10_000..<low)
            guard handedOut.withLock({ $0.insert(candidate).inserted }) else { continue }
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(fd) }
            if let port = try? boundPort(fd, port: candidate) { return port }
        }
    }
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    let port = try boundPort(fd)
    handedOut.withLock { _ = $0.insert(port) }
    return port
}

/// The first port of `net.ipv4.ip_local_port_range` (32768 when it cannot be read).
private func ephemeralPortsStart() -> Int {
    let text = (try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8)) ?? ""
    return text.split(whereSeparator: \.isWhitespace).first.flatMap { Int($0) } ?? 32768
}

/// Whether process `pid` holds a socket listening on TCP `port` (from `/proc/net/tcp{,6}` and
/// `/proc/PID/fd`): a `/health` that answers on the port may come from another process.
func listens(pid: Int32, on port: Int) -> Bool {
    var inodes: Set<String> = []
    let hexPort = String(format: ":%04X", port)
    for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
        let text = (try? String(contentsOfFile: table, encoding: .utf8)) ?? ""
        for line in text.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            // local_address, st (0A: LISTEN), inode
            guard fields.count > 9, fields[1].hasSuffix(hexPort), fields[3] == "0A" else { continue }
            inodes.insert("socket:[\(fields[9])]")
        }
    }
    guard !inodes.isEmpty else { return false }
    let directory = "/proc/\(pid)/fd"
    for name in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] {
        if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "\(directory)/\(name)"), inodes.contains(target) {
            return true
        }
    }
    return false
}

import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A port bound on 127.0.0.1 but never listening: a connection to it is refused, and until
/// `close()` (or the end of the object) no server can take it. A port that was merely free a
/// moment ago (a stopped server's) can be taken by a server another test starts meanwhile, and
/// then answers what that server says.
public final class RefusingPort: Sendable {
    public let port: Int
    /// -1 once closed: `close()` may come from the test and again from `deinit`.
    private let fd: Atomic<Int32>

    public init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        do {
            port = try boundPort(fd)
        } catch {
            _ = Glibc.close(fd)
            throw error
        }
        self.fd = Atomic(fd)
    }

    deinit { close() }

    public var url: String { "http://127.0.0.1:\(port)" }

    public func close() {
        let fd = fd.exchange(-1, ordering: .relaxed)
        if fd >= 0 { _ = Glibc.close(fd) }
    }
}

/// Binds `fd` to 127.0.0.1:`port` (0: one the kernel picks) and returns the port bound.
public func boundPort(_ fd: Int32, port: Int = 0) throws -> Int {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = UInt16(port).bigEndian
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
    guard bound == 0 else { throw POSIXError(.EADDRINUSE) }
    _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
    return Int(UInt16(bigEndian: address.sin_port))
}

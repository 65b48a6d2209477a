#if canImport(Glibc)
import Glibc
#endif

/// glibc functions Swift's Glibc module does not import (they sit behind `_GNU_SOURCE`),
/// looked up once at run time. Each has a fallback for a libc without it.
enum GlibcExtras {
    private typealias Pipe2 = @convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32
    private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

    private static let pipe2Function: Pipe2? = symbol("pipe2")
    private static let addCloseFromFunction: AddCloseFrom? = symbol("posix_spawn_file_actions_addclosefrom_np")

    private static func symbol<T>(_ name: String) -> T? {
        guard let address = dlsym(UnsafeMutableRawPointer(bitPattern: 0), name) else { return nil }
        return unsafeBitCast(address, to: T.self)
    }

    /// A pipe whose ends close on exec. Without pipe2 there is a short window in which a
    /// process spawned by another thread could inherit the ends.
    static func closeOnExecPipe(_ fds: inout [Int32]) -> Bool {
        if let pipe2Function {
            return fds.withUnsafeMutableBufferPointer { pipe2Function($0.baseAddress!, O_CLOEXEC) } == 0
        }
        guard pipe(&fds) == 0 else { return false }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        return true
    }

    /// Closes every descriptor from `lowest` up in the child, where available.
    static func closeFrom(_ actions: inout posix_spawn_file_actions_t, _ lowest: Int32) {
        _ = addCloseFromFunction?(&actions, lowest)
    }
}

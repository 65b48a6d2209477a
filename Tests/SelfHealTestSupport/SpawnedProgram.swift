public import Foundation
import Synchronization

/// A program the tests start, with `posix_spawn` rather than Foundation's `Process`: on Linux,
/// `Process.run` lists /proc/self/fd copying each entry's whole 256-byte name field, which
/// reads past glibc's buffer when an entry ends a page (swift-corelibs-foundation #5472). With
/// the hundreds of descriptors a full test run holds open, that crashed the test process
/// (SIGSEGV in memcpy under `Process.run`).
///
/// The child gets only its three standard descriptors (`nil`: /dev/null); every other one of
/// the test process stays behind, so a server it starts cannot hold the runner's pipes open.
public final class SpawnedProgram: Sendable {
    public let pid: pid_t
    /// The raw wait status once the program has been reaped.
    private let reaped = Mutex<Int32?>(nil)

    public struct SpawnError: Error, CustomStringConvertible {
        public let description: String
    }

    /// `environment` nil: the test process's own.
    public init(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil, directory: String? = nil,
        stdin: Int32? = nil, stdout: Int32? = nil, stderr: Int32? = nil
    ) throws(SpawnError) {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for (source, target) in [(stdin, Int32(0)), (stdout, 1), (stderr, 2)] {
            if let source {
                posix_spawn_file_actions_adddup2(&actions, source, target)
            } else {
                posix_spawn_file_actions_addopen(&actions, target, "/dev/null", target == 0 ? O_RDONLY : O_WRONLY, 0)
            }
        }
        if let directory {
            guard let addChdir = Self.addChdir else { throw SpawnError(description: "this libc cannot spawn into a directory") }
            _ = addChdir(&actions, directory)
        }
        _ = Self.addCloseFrom?(&actions, 3)
        let environment = environment ?? ProcessInfo.processInfo.environment
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        // No signal blocked or ignored: the spawning thread may block some (dispatch's do), and
        // NIO ignores SIGPIPE process-wide; a program under test must see SIGTERM and SIGPIPE.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        let status = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard status == 0 else { throw SpawnError(description: "\(executable): \(String(cString: strerror(status)))") }
        self.pid = pid
    }

    /// Reaps the program if it has ended, without waiting.
    public var isRunning: Bool {
        reaped.withLock { reaped in
            guard reaped == nil else { return false }
            var status: Int32 = 0
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid { reaped = status }
            return reaped == nil && result != -1
        }
    }

    /// Its exit status, or the number of the signal that ended it (as Foundation's `Process`
    /// says); -1 while it runs.
    public var terminationStatus: Int32 {
        guard !isRunning, let status = reaped.withLock({ $0 }) else { return -1 }
        let signal = status & 0x7F
        return signal == 0 ? (status >> 8) & 0xFF : signal
    }

    /// SIGTERM.
    public func terminate() {
        if isRunning { kill(pid, SIGTERM) }
    }

    /// Blocks until the program has ended: call it from a thread that may block.
    public func waitUntilExit() {
        while isRunning { usleep(5_000) }
    }

    /// Waits until the program has ended, off the cooperative threads' backs.
    public func exit() async {
        while isRunning { try? await Task.sleep(for: .milliseconds(20)) }
    }

    /// A pipe whose ends close on exec, for a child's stdout or stderr: pass `write` to the
    /// child, then close it here.
    public static func pipe() throws(SpawnError) -> (read: FileHandle, write: Int32) {
        var fds: [Int32] = [-1, -1]
        guard Glibc.pipe(&fds) == 0 else { throw SpawnError(description: "pipe: \(String(cString: strerror(errno)))") }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        return (FileHandle(fileDescriptor: fds[0], closeOnDealloc: true), fds[1])
    }

    // glibc functions Swift's Glibc module does not import (behind `_GNU_SOURCE`).
    private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    private typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
    private static let addCloseFrom: AddCloseFrom? = symbol("posix_spawn_file_actions_addclosefrom_np")
    private static let addChdir: AddChdir? = symbol("posix_spawn_file_actions_addchdir_np")

    private static func symbol<T>(_ name: String) -> T? {
        guard let address = dlsym(UnsafeMutableRawPointer(bitPattern: 0), name) else { return nil }
        return unsafeBitCast(address, to: T.self)
    }
}

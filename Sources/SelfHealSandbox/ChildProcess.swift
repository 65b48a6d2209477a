import Foundation
import SelfHealCore
#if canImport(Glibc)
import Glibc
#endif

/// Starts one program in a process group of its own and supervises it to the end: output
/// read and capped, a wall-clock deadline that kills the whole group, and the exit status.
/// Foundation's `Process` can neither put the child in a new group before it runs nor be
/// trusted to reap it promptly, so this goes through `posix_spawn` directly. Every call
/// blocks its thread: callers run it off Swift's cooperative pool.
struct ChildProcess {
    enum Termination: Equatable {
        case exited(Int32)
        case signaled(Int32)
    }

    struct Outcome {
        var termination: Termination
        /// The deadline passed and the group was killed.
        var timedOut: Bool
        var stdoutTail: [UInt8]
        var stderrTail: [UInt8]
        var duration: Duration
    }

    var executable: String
    var arguments: [String]
    var environment: [String: String]
    var timeout: Duration
    var outputCap: Int

    func run() throws(SandboxError) -> Outcome {
        var outPipe: [Int32] = [-1, -1]
        var errPipe: [Int32] = [-1, -1]
        // O_CLOEXEC: a sandbox started at the same moment must not inherit this one's pipe
        // ends, or this one would not see end-of-file until that one finishes.
        guard GlibcExtras.closeOnExecPipe(&outPipe) else { throw .launchFailed("pipe: \(Self.errnoText())") }
        guard GlibcExtras.closeOnExecPipe(&errPipe) else {
            close(outPipe[0]); close(outPipe[1])
            throw .launchFailed("pipe: \(Self.errnoText())")
        }
        let start = ContinuousClock.now
        let pid: pid_t
        do {
            pid = try Self.spawn(executable: executable, arguments: arguments, environment: environment, stdout: outPipe[1], stderr: errPipe[1])
        } catch {
            for fd in outPipe + errPipe { close(fd) }
            throw error
        }
        close(outPipe[1])
        close(errPipe[1])
        defer { close(outPipe[0]); close(errPipe[0]) }
        return supervise(pid: pid, stdout: outPipe[0], stderr: errPipe[0], start: start)
    }

    /// Starts `executable` in a process group of its own with stdin from /dev/null, the
    /// given stdout and stderr, and, when `control` is given, that descriptor as 3; every
    /// other descriptor is closed.
    static func spawn(
        executable: String, arguments: [String], environment: [String: String], stdout: Int32, stderr: Int32, control: Int32? = nil
    ) throws(SandboxError) -> pid_t {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Group id = the child's pid, so killing -pid reaches everything it starts that
        // does not leave the group. Signal mask and dispositions are reset: the service may
        // block or ignore signals a program expects to work.
        posix_spawnattr_setpgroup(&attributes, 0)
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, stdout, 1)
        posix_spawn_file_actions_adddup2(&actions, stderr, 2)
        if let control { posix_spawn_file_actions_adddup2(&actions, control, 3) }
        // Descriptors the service opened without O_CLOEXEC (sockets, the database) stay behind.
        GlibcExtras.closeFrom(&actions, control == nil ? 3 : 4)

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard status == 0 else { throw .launchFailed("\(executable): \(String(cString: strerror(status)))") }
        return pid
    }

    private func supervise(pid: pid_t, stdout: Int32, stderr: Int32, start: ContinuousClock.Instant) -> Outcome {
        let deadline = start + timeout
        var streams = Streams(stdout: stdout, stderr: stderr, cap: outputCap)
        var timedOut = false
        // Read until both pipes close or the leader exits: a process that outlives the
        // leader may hold the pipes open.
        while streams.isOpen {
            let remaining = deadline - .now
            if remaining <= .zero { timedOut = true; break }
            streams.pump(waitMs: Int32(min(100, max(1, remaining.milliseconds))))
            if Self.hasExited(pid) { break }
        }
        // The pipes may be closed while the program still runs (it closed them itself).
        while !timedOut && !Self.hasExited(pid) {
            if ContinuousClock.now >= deadline { timedOut = true; break }
            usleep(2_000)
        }
        if timedOut {
            kill(-pid, SIGKILL)
            kill(pid, SIGKILL)
        }
        while !Self.hasExited(pid) { usleep(1_000) }
        let duration = ContinuousClock.now - start
        // Kill the rest of the group while the leader is an unreaped zombie: its group id
        // cannot have been handed to another process yet.
        kill(-pid, SIGKILL)
        // What the program wrote just before it exited is still in the pipes.
        while streams.isOpen && streams.pump(waitMs: 20) {}
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let termination: Termination = (status & 0x7f) == 0 ? .exited((status >> 8) & 0xff) : .signaled(status & 0x7f)
        return Outcome(termination: termination, timedOut: timedOut, stdoutTail: streams.stdout.bytes, stderrTail: streams.stderr.bytes, duration: duration)
    }

    /// The child's stdout and stderr pipes, read as data arrives.
    private struct Streams {
        var fds: [pollfd]
        var stdout: TailBuffer
        var stderr: TailBuffer
        var buffer = [UInt8](repeating: 0, count: 64 << 10)

        init(stdout: Int32, stderr: Int32, cap: Int) {
            fds = [pollfd(fd: stdout, events: Int16(POLLIN), revents: 0), pollfd(fd: stderr, events: Int16(POLLIN), revents: 0)]
            self.stdout = TailBuffer(cap: cap)
            self.stderr = TailBuffer(cap: cap)
        }

        var isOpen: Bool { fds.contains { $0.fd >= 0 } }

        /// Waits up to `waitMs` for data and reads what is ready; false when nothing was.
        @discardableResult
        mutating func pump(waitMs: Int32) -> Bool {
            guard poll(&fds, nfds_t(fds.count), waitMs) > 0 else { return false }
            for index in fds.indices where fds[index].fd >= 0 && fds[index].revents != 0 {
                let count = read(fds[index].fd, &buffer, buffer.count)
                if count > 0 {
                    if index == 0 { stdout.append(buffer[0..<count]) } else { stderr.append(buffer[0..<count]) }
                } else if count == 0 || (errno != EINTR && errno != EAGAIN) {
                    // Negative descriptors are skipped by poll; the caller closes the real one.
                    fds[index].fd = -1
                }
            }
            return true
        }
    }

    /// Whether the child has exited, without reaping it.
    private static func hasExited(_ pid: pid_t) -> Bool {
        var info = siginfo_t()
        let result = waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT)
        // si_pid is 0 while the child still runs; waitid failing means it is gone.
        return result != 0 || info._sifields._sigchld.si_pid == pid
    }

    static func errnoText() -> String { String(cString: strerror(errno)) }
}

/// Keeps the last `cap` bytes of a stream: tracebacks and assertion messages come last.
struct TailBuffer {
    let cap: Int
    private(set) var storage: [UInt8] = []

    init(cap: Int) { self.cap = cap }

    mutating func append(_ chunk: ArraySlice<UInt8>) {
        guard cap > 0 else { return }
        storage.append(contentsOf: chunk)
        // Trim in batches so a chatty program costs amortised O(1) per byte.
        if storage.count > 2 * cap { storage.removeFirst(storage.count - cap) }
    }

    var bytes: [UInt8] { storage.count > cap ? Array(storage.suffix(cap)) : storage }
}

extension Duration {
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}

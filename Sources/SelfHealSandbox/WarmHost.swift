import Foundation
import NIOCore
import SelfHealCore
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// One warm sandbox host (`WarmHostProgram`): an isolated interpreter started ahead of time
/// in its own namespaces and cgroups, which runs each job in a child forked from itself.
/// Used by one slot at a time (the slot's holder), so it needs no lock; its counters are read
/// by `/health` through `WarmHosts`.
final class WarmHost: @unchecked Sendable {
    /// The `unshare` process; the host is its child, pid 1 of the new pid namespace.
    private let pid: pid_t
    /// Our end of the host's descriptor 3, on an event loop (set once the host has started).
    private var link: WarmHostLink?
    /// The host's stderr, read only when it fails to start or dies.
    private let stderr: Int32
    /// The cgroups the host lives in from its start, with each job's processes.
    let cgroup: RunCgroups.Run?
    /// Jobs sent, and whether the host runs: written by the slot's holder, read by `/health`
    /// and by `WarmHosts.rank` from any thread.
    private let jobCount = Atomic<Int>(0)
    private let running = Atomic<Bool>(true)
    var jobs: Int { jobCount.load(ordering: .relaxed) }
    var alive: Bool { running.load(ordering: .relaxed) }
    /// The harnesses (by number) this host has been sent: a job of one of these sends the
    /// harness file empty, and the host puts the text it kept in its place.
    var harnessesHeld: Set<Int> = []
    /// The size of the last job's message, in bytes (for tests).
    private(set) var lastMessageBytes = 0
    /// OOM kills in the host's cgroups when last looked (a new cgroup has none).
    private var oomKillsSeen = 0
    /// The host's memory cgroup's OOM counter, open for the host's life (-1 once stopped):
    /// read twice per job.
    private var oomEvents: Int32
    /// The host answered a job and is clearing up after it; it says `clean` when done. Atomic
    /// because `readyHint` reads it from other threads than the holder's.
    private let clearing = Atomic<Bool>(false)
    private var clearingUp: Bool {
        get { clearing.load(ordering: .relaxed) }
        set { clearing.store(newValue, ordering: .relaxed) }
    }

    /// The loop the host's socket is on.
    var eventLoop: (any EventLoop)? { link?.eventLoop }

    /// Whether the next job would start without waiting for the host to clear up (or to be
    /// found dead). Read by others than the slot's holder, so only a hint.
    var readyHint: Bool { !clearingUp || link?.hasUnread == true }

    /// What one job hands the host.
    struct Request {
        var command: [String]
        var files: [(name: String, contents: String)]
        /// The main file when it is selfheal's own code (the harness), and the harness's number
        /// (`PythonHarness.Program`): the host keeps the text by number and compiles it once;
        /// never a file holding the answer.
        var trusted: (main: String, number: Int)?
        /// The job is the built-in compile-only check of its one file: the host may answer it
        /// from its checker without a fork when the file compiles.
        var compileOnly = false
        /// The job is a smoke run of the answer file: the host may answer it from its checker
        /// without a fork when the request's text states no worked example and importing the
        /// answer can only bind names. The entry point, or "" for none.
        var staticSmokeEntry: String?
        var environment: [String: String]
        var timeout: Duration
        var outputCap: Int
    }

    /// Why a host could not give a job's outcome; the job then runs on the cold path.
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    private init(pid: pid_t, stderr: Int32, cgroup: RunCgroups.Run?) {
        self.pid = pid
        self.stderr = stderr
        self.cgroup = cgroup
        oomEvents = cgroup.map { open($0.oomEventsFile, O_RDONLY | O_CLOEXEC) } ?? -1
    }

    deinit { stop() }

    /// Starts a host, hands its socket to `loop`, and waits (up to `startTimeout`) until it says
    /// it is ready. Blocks: call it from a thread, never from an event loop.
    static func start(
        executable: String, arguments: [String], environment: [String: String], cgroup: RunCgroups.Run?, on loop: any EventLoop,
        startTimeout: Duration = .seconds(10)
    ) throws(SandboxError) -> WarmHost {
        var pair: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &pair) == 0 else {
            throw .launchFailed("socketpair: \(ChildProcess.errnoText())")
        }
        var errPipe: [Int32] = [-1, -1]
        guard GlibcExtras.closeOnExecPipe(&errPipe) else {
            close(pair[0]); close(pair[1])
            throw .launchFailed("pipe: \(ChildProcess.errnoText())")
        }
        // dup2 onto itself would keep close-on-exec: the host's end must not already be 3.
        var hostEnd = pair[1]
        if hostEnd == 3 {
            hostEnd = fcntl(pair[1], F_DUPFD_CLOEXEC, 4)
            close(pair[1])
        }
        let null = open("/dev/null", O_WRONLY | O_CLOEXEC)
        defer { close(hostEnd); close(errPipe[1]); if null >= 0 { close(null) } }
        let pid: pid_t
        do {
            pid = try ChildProcess.spawn(
                executable: executable, arguments: arguments, environment: environment, stdout: null, stderr: errPipe[1], control: hostEnd
            )
        } catch {
            close(pair[0]); close(errPipe[0])
            throw error
        }
        let host = WarmHost(pid: pid, stderr: errPipe[0], cgroup: cgroup)
        let link: WarmHostLink
        do {
            link = try WarmHostLink.attach(descriptor: pair[0], to: loop)
        } catch {
            host.stop()
            throw .launchFailed("the warm sandbox host's socket could not join an event loop: \(error)")
        }
        host.link = link
        let ready: HostMessage
        do {
            ready = try loop.flatSubmit { link.next(by: .after(startTimeout)) }.wait()
        } catch {
            let why = host.failure(error, doing: "while starting")
            host.stop()
            throw .launchFailed("the warm sandbox host did not start: \(why.description)")
        }
        guard ready.header.bool("ready") == true else {
            host.stop()
            throw .launchFailed("the warm sandbox host sent something other than its ready message")
        }
        return host
    }

    /// Runs one job; a failure means the job did not run to an outcome the host could report,
    /// and the host must be stopped (`stop`, on a thread: it may wait for its cgroups).
    func run(_ request: Request) async -> Result<(outcome: ChildProcess.Outcome, checker: Bool), Failure> {
        guard alive, let link else { return .failure(Failure(description: "the host has stopped")) }
        // `WarmHosts` settled the host (or replaced it) before handing it a job.
        guard !clearingUp else { return .failure(Failure(description: "the host has not cleared up after its last job")) }
        let start = ContinuousClock.now
        // Sent with the host's first job of its kind: the host keeps it before it does anything
        // else with a job, and a host that fails on the way is replaced, with an empty set.
        var omitted: String?
        if let trusted = request.trusted, !harnessesHeld.insert(trusted.number).inserted { omitted = trusted.main }
        let message = Self.encode(request, omitting: omitted)
        lastMessageBytes = message.count
        jobCount.add(1, ordering: .relaxed)
        clearingUp = true
        // The host enforces the job's deadline itself; this one only catches a host that hangs.
        let deadline = NIODeadline.after(request.timeout + .seconds(5))
        let answer: HostMessage
        do {
            answer = try await link.onLoop { link.exchange(message, by: deadline) }.get()
        } catch {
            return .failure(failure(error, doing: "while it ran a job"))
        }
        if let why = answer.header.string("setup_failed") {
            // Its mounts or the job's memory limit: the job never started. A host that
            // cannot set jobs up is replaced; this one runs cold.
            return .failure(Failure(description: "the host could not set the job up: \(why)"))
        }
        let tails = answer.body
        let outCount = answer.header.int("out") ?? 0
        guard (0...tails.count).contains(outCount) else { return .failure(died("with a malformed answer")) }
        let termination: ChildProcess.Termination
        // Out-of-range numbers from a host gone wrong are a malformed answer, not a trap.
        if let signal = answer.header.int("signal") {
            guard let signal = Int32(exactly: signal) else { return .failure(died("with a malformed answer")) }
            termination = .signaled(signal)
        } else {
            guard let status = Int32(exactly: answer.header.int("status") ?? 1) else { return .failure(died("with a malformed answer")) }
            termination = .exited(status)
        }
        let outcome = ChildProcess.Outcome(
            termination: termination, timedOut: answer.header.bool("timed_out") ?? false,
            stdoutTail: Array(tails[..<outCount]), stderrTail: Array(tails[outCount...]), duration: .now - start
        )
        return .success((outcome, answer.header.bool("checker") ?? false))
    }

    /// A job's message: its length, a JSON header, then its files' bytes; `omitting`'s are
    /// left out (listed with 0 bytes): the host has them.
    static func encode(_ request: Request, omitting: String? = nil) -> [UInt8] {
        // The header by hand: JSONSerialization (through NSDictionary) cost more than the rest of
        // the Swift side of a job.
        var message: [UInt8] = [0, 0, 0, 0]
        func sent(_ file: (name: String, contents: String)) -> Bool { file.name != omitting }
        message.reserveCapacity(request.files.reduce(512) { $0 + $1.name.utf8.count + (sent($1) ? $1.contents.utf8.count : 0) + 16 })
        func key(_ name: String) {
            message.append(UInt8(ascii: "\""))
            message.append(contentsOf: name.utf8)
            message.append(contentsOf: "\":".utf8)
        }
        message.append(contentsOf: "{".utf8)
        key("command")
        WireText.appendArray(request.command, to: &message)
        message.append(contentsOf: ",".utf8)
        key("env")
        message.append(contentsOf: "{".utf8)
        for (index, (name, value)) in request.environment.sorted(by: { $0.key < $1.key }).enumerated() {
            if index > 0 { message.append(UInt8(ascii: ",")) }
            JSONWriter.appendString(name, to: &message)
            message.append(UInt8(ascii: ":"))
            JSONWriter.appendString(value, to: &message)
        }
        message.append(contentsOf: "},".utf8)
        key("timeout_ms")
        message.append(contentsOf: "\(max(1, request.timeout.milliseconds)),".utf8)
        key("cap")
        message.append(contentsOf: "\(max(1, request.outputCap)),".utf8)
        key("files")
        message.append(contentsOf: "[".utf8)
        for (index, file) in request.files.enumerated() {
            if index > 0 { message.append(UInt8(ascii: ",")) }
            message.append(UInt8(ascii: "["))
            JSONWriter.appendString(file.name, to: &message)
            message.append(contentsOf: ",\(sent(file) ? file.contents.utf8.count : 0)]".utf8)
        }
        message.append(contentsOf: "]".utf8)
        if let trusted = request.trusted {
            message.append(contentsOf: ",".utf8)
            key("trusted")
            JSONWriter.appendString(trusted.main, to: &message)
            message.append(contentsOf: ",\"harness_id\":\(trusted.number)".utf8)
        }
        if request.compileOnly { message.append(contentsOf: ",\"compile_only\":true".utf8) }
        if let entry = request.staticSmokeEntry {
            message.append(contentsOf: ",".utf8)
            key("smoke_static")
            JSONWriter.appendString(entry, to: &message)
        }
        message.append(contentsOf: "}\n".utf8)
        for file in request.files where sent(file) { message.append(contentsOf: file.contents.utf8) }
        let length = UInt32(message.count - 4)
        message[0] = UInt8(length >> 24)
        message[1] = UInt8((length >> 16) & 0xFF)
        message[2] = UInt8((length >> 8) & 0xFF)
        message[3] = UInt8(length & 0xFF)
        return message
    }

    /// Waits until the host has cleared up after its last job (it answers first, then ends the
    /// job's processes and forks the next spare), and makes sure nothing of that job ran into
    /// the memory limit meanwhile (the host may have lost pages then). A failure: stop the host.
    func settle() async -> Result<Void, Failure> {
        guard alive, let link else { return .failure(Failure(description: "the host has stopped")) }
        guard clearingUp else { return .success(()) }
        let deadline = NIODeadline.after(.seconds(5))
        do {
            let message = try await link.onLoop { link.next(by: deadline) }.get()
            guard message.header.bool("clean") == true else { return .failure(died("with something other than `clean` after a job")) }
            clearingUp = false
        } catch {
            return .failure(failure(error, doing: "while it cleared up after a job"))
        }
        if oomKilledSinceLastLook() {
            return .failure(Failure(description: "a process of the last job ran into the memory limit after the job was answered"))
        }
        return .success(())
    }

    /// Whether the kernel's OOM killer struck in the host's cgroups since the last call: one
    /// read per job, against the count the previous job left.
    func oomKilledSinceLastLook() -> Bool {
        // A stopped host's descriptor is closed, and its number may be another file's by now.
        guard alive else { return false }
        let now = RunCgroups.oomKills(descriptor: oomEvents) ?? cgroup?.oomKills ?? 0
        defer { oomKillsSeen = now }
        return now > oomKillsSeen
    }

    /// Stops the host and everything in its namespace, and removes its cgroups. Blocks until
    /// they are gone (up to their removal's limit): call it from a thread.
    func stop() {
        guard running.exchange(false, ordering: .relaxed) else { return }
        link?.close()
        close(stderr)
        if oomEvents >= 0 { close(oomEvents) }
        oomEvents = -1
        // unshare --kill-child takes the host with it, and the host's pid namespace goes with the host.
        kill(pid, SIGKILL)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        cgroup?.destroy()
    }

    /// What a failed read or write of the link says about the host.
    private func failure(_ error: any Error, doing: String) -> Failure {
        switch error as? HostLinkError {
        case .timedOut: Failure(description: "the host did not answer in time")
        case .badLength(let length): died("with a message of \(length) bytes")
        case .notJSON: died("with a message that is not JSON")
        case .unasked: died("with a message nobody asked for")
        case .closed, nil: died(doing)
        }
    }

    private func died(_ doing: String) -> Failure {
        Failure(description: "the host died \(doing)\(stderrText())")
    }

    private func stderrText() -> String {
        guard alive else { return "" }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        var fds = [pollfd(fd: stderr, events: Int16(POLLIN), revents: 0)]
        while bytes.count < 16_384, poll(&fds, 1, 0) > 0 {
            let count = read(stderr, &buffer, buffer.count)
            guard count > 0 else { break }
            bytes += buffer[0..<count]
        }
        let text = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? "" : ": \(text)"
    }
}

extension NIODeadline {
    /// `duration` from now.
    static func after(_ duration: Duration) -> NIODeadline {
        let (seconds, attoseconds) = duration.components
        return .now() + .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}

import Foundation
import SelfHealCore
import Testing
@testable import SelfHealSandbox

/// What a run can see and reach of the host: probed from inside, checked from outside.
@Suite(.serialized)
struct HostViewTests {
    static var namespaced: Bool { SandboxFixture.machineIsolation.mode != .rlimitsOnly }
    static var filtered: Bool { SandboxLauncher.seccompArchitecture != nil }
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// Every world-writable directory of the host worth a probe: the usual ones and every
    /// world-writable mount point.
    static var worldWritablePlaces: [String] {
        let mounts = (MountEntry.table() ?? []).map(\.mountPoint)
        let places = ["/tmp", "/var/tmp", "/dev/shm", "/run/lock", "/var/lock"] + mounts
        return Array(Set(places.filter(SandboxFilesystem.isWorldWritable))).sorted()
    }

    @Test("a file written to any world-writable place of the host is not on the host afterwards", .enabled(if: namespaced, "needs mount namespaces"), arguments: SandboxPath.allCases)
    func worldWritablePlacesArePrivate(path: SandboxPath) async throws {
        let fixture = try SandboxFixture(path: path)
        let marker = "selfheal-probe-\(UUID().uuidString)"
        let places = Self.worldWritablePlaces
        try #require(!places.isEmpty)
        let program = """
            import os
            for place in \(Self.pythonList(places)):
                try:
                    with open(os.path.join(place, '\(marker)'), 'w') as handle:
                        handle.write('x' * 1024)
                    report('wrote', place)
                except OSError as error:
                    report('refused', place, error)
            """
        let output = try await Self.output(of: program, in: fixture)
        for place in places {
            #expect(!FileManager.default.fileExists(atPath: "\(place)/\(marker)"), "\(place) kept what the run wrote: \(output)")
            try? FileManager.default.removeItem(atPath: "\(place)/\(marker)")
        }
        #expect(fixture.leftoverFiles.isEmpty)
    }

    @Test(
        "a world-writable mount of the host under the read-only view is hidden, and fresh for each job: what one job writes there the next does not find",
        .enabled(if: namespaced && geteuid() == 0, "needs mount namespaces, and root to make a mount"), arguments: SandboxPath.allCases
    )
    func hiddenWorldWritableMountsAreFreshForEachJob(path: SandboxPath) async throws {
        // Made before the runner, which works its view out when it starts, and removed after:
        // a runner another test starts meanwhile hides it too, and skips it once it is gone.
        let place = "/usr/local/selfheal-test-mask-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: place, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: place) }
        try #require(Self.command("/usr/bin/mount", ["-t", "tmpfs", "-o", "mode=1777,size=1m", "tmpfs", place]) == 0)
        defer { _ = Self.command("/usr/bin/umount", [place]) }
        let fixture = try SandboxFixture(maxConcurrent: 1, path: path)
        #expect(fixture.runner.isolation.filesystem.contains(place), "\(fixture.runner.isolation.filesystem)")
        let first = try await Self.output(of: "open('\(place)/left', 'w').write('x')\nreport('wrote')", in: fixture)
        #expect(first.contains("wrote"), "\(first)")
        let second = try await Self.output(
            of: "import os\nreport('found' if os.path.exists('\(place)/left') else 'absent', os.access('\(place)', os.W_OK))", in: fixture
        )
        #expect(second.contains("absent True"), "\(second)")
        #expect(!FileManager.default.fileExists(atPath: "\(place)/left"), "the job's file reached the host's mount")
    }

    static func command(_ executable: String, _ arguments: [String]) -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        do { try process.run() } catch { return -1 }
        process.waitUntilExit()
        return process.terminationStatus
    }

    @Test(
        "no socket can be opened: a Unix socket listening on the host and netlink are refused",
        .enabled(if: filtered && geteuid() == 0, "needs the seccomp filter, and root to listen under /run"), arguments: SandboxPath.allCases
    )
    func socketsAreRefused(path: SandboxPath) async throws {
        let fixture = try SandboxFixture(path: path)
        // A listener where today's sandbox could see it: a root-owned directory outside /tmp.
        let directory = "/run/selfheal-test-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = "\(directory)/listener.sock"
        let listener = try UnixListener(path: path)
        defer { listener.close() }
        let program = """
            import socket
            for name, family, kind in (('unix', socket.AF_UNIX, socket.SOCK_STREAM), ('netlink', socket.AF_NETLINK, socket.SOCK_RAW),
                                       ('inet', socket.AF_INET, socket.SOCK_STREAM)):
                try:
                    sock = socket.socket(family, kind)
                except OSError as error:
                    report(name, 'refused', error.errno)
                    continue
                try:
                    sock.connect('\(path)' if name == 'unix' else (('127.0.0.1', 5432) if name == 'inet' else (0, 0)))
                    report(name, 'connected')
                except OSError as error:
                    report(name, 'opened but not connected', error.errno)
            left, right = socket.socketpair()
            left.sendall(b'ok')
            report('socketpair', right.recv(2).decode())
            """
        let output = try await Self.output(of: program, in: fixture)
        #expect(!listener.acceptedAConnection, "a run reached a Unix socket on the host")
        #expect(output.contains("unix refused 1"), "\(output)")
        #expect(output.contains("netlink refused 1"), "\(output)")
        #expect(output.contains("inet refused 1"), "\(output)")
        #expect(output.contains("socketpair ok"), "\(output)")
    }

    @Test("a new user namespace is refused, by system call and by unshare(1)", .enabled(if: filtered, "no seccomp filter here"), arguments: SandboxPath.allCases)
    func userNamespacesAreRefused(path: SandboxPath) async throws {
        let fixture = try SandboxFixture(path: path)
        let program = """
            import ctypes, os, subprocess
            libc = ctypes.CDLL(None, use_errno=True)
            report('unshare(CLONE_NEWUSER)', libc.unshare(0x10000000), ctypes.get_errno())
            run = subprocess.run(['unshare', '-U', 'true'], capture_output=True)
            report('unshare -U exit', run.returncode)
            """
        let output = try await Self.output(of: program, in: fixture)
        #expect(output.contains("unshare(CLONE_NEWUSER) -1 1"), "\(output)")
        #expect(output.contains("unshare -U exit 1"), "\(output)")
    }

    @Test(
        "the other ways to a namespace or around the filter are closed too: clone flags, clone3, io_uring, mount",
        .enabled(if: filtered, "no seccomp filter here"), arguments: SandboxPath.allCases
    )
    func siblingSystemCallsAreRefused(path: SandboxPath) async throws {
        let fixture = try SandboxFixture(path: path)
        let program = Self.systemCaller + """
            call('clone(CLONE_NEWUSER)', 56, 0x10000000 | 17, 0, 0, 0, 0)
            call('clone(CLONE_NEWNET)', 56, 0x40000000 | 17, 0, 0, 0, 0)
            call('clone3', 435, 0, 0)
            call('setns', 308, 0, 0)
            call('io_uring_setup', 425, 1, 0)
            call('mount', 165, 0, 0, 0, 0, 0)
            call('bpf', 321, 0, 0, 0)
            """
        let output = try await Self.output(of: program, in: fixture)
        for (name, errno) in [
            ("clone(CLONE_NEWUSER)", 1), ("clone(CLONE_NEWNET)", 1), ("clone3", 38), ("setns", 1), ("io_uring_setup", 1), ("mount", 1), ("bpf", 1),
        ] {
            #expect(output.contains("\(name) -1 \(errno)"), "\(name): \(output)")
        }
    }

    @Test(
        "no IPC object that outlives the run can be made (System V shared memory, semaphores, message queues; POSIX message queues), while multiprocessing's named semaphores and shared memory work",
        .enabled(if: filtered, "no seccomp filter here"), arguments: SandboxPath.allCases
    )
    func lastingIPCObjectsAreRefused(path: SandboxPath) async throws {
        let fixture = try SandboxFixture(path: path)
        // A warm host serves job after job in one IPC namespace: a segment made by one job would
        // be the next job's to read, and would hold the host's memory against it.
        let program = Self.systemCaller + """
            from multiprocessing import Lock, shared_memory
            IPC_CREAT = 0o1000
            call('shmget', 29, 0, 1 << 20, IPC_CREAT | 0o666)
            call('semget', 64, 0, 1, IPC_CREAT | 0o666)
            call('msgget', 68, 0, IPC_CREAT | 0o666)
            # The same call in the x32 numbering (refused by the filter; a kernel without x32
            # answers ENOSYS, 38).
            call('x32 shmget', 0x40000000 | 29, 0, 1 << 20, IPC_CREAT | 0o666)
            name = ctypes.create_string_buffer(b'selfheal-probe')
            report('mq_open', libc.syscall(240, name, ctypes.c_long(0o100 | 2), ctypes.c_long(0o666), None), ctypes.get_errno())
            lock = Lock()
            with lock:
                report('named semaphore', 'ok')
            memory = shared_memory.SharedMemory(create=True, size=4096)
            memory.buf[0] = 7
            report('shared memory', memory.buf[0])
            memory.close()
            memory.unlink()
            """
        let output = try await Self.output(of: program, in: fixture)
        for name in ["shmget", "semget", "msgget", "mq_open", "x32 shmget"] {
            #expect(output.contains("\(name) -1 1"), "\(name): \(output)")
        }
        #expect(output.contains("named semaphore ok"), "\(output)")
        #expect(output.contains("shared memory 7"), "\(output)")
    }

    @Test(
        "a 32-bit system call through int 0x80 (the i386 ipc call, making a System V segment) kills the run, and a warm host serves the next",
        .enabled(if: filtered, "no seccomp filter here"), arguments: SandboxPath.allCases
    )
    func anotherArchitecturesCallKillsTheRun(path: SandboxPath) async throws {
        let fixture = try SandboxFixture(path: path)
        // Machine code run through ctypes: push rbx; eax = 117 (i386 ipc), ebx = 23 (SHMGET),
        // ecx = 0 (IPC_PRIVATE), edx = 4096, esi = IPC_CREAT | 0o666; int 0x80; pop rbx; ret.
        // Unfiltered it makes a segment (checked on this machine outside the sandbox); the
        // filter's check of the call's architecture kills the process first.
        let program = """
            import ctypes, mmap
            code = bytes([0x53, 0xb8, 117, 0, 0, 0, 0xbb, 23, 0, 0, 0, 0x31, 0xc9, 0xba, 0, 0x10, 0, 0, 0xbe]) + (0o1666).to_bytes(4, "little") + bytes([0xcd, 0x80, 0x5b, 0xc3])
            page = mmap.mmap(-1, 4096, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)
            page.write(code)
            report('mapped')
            result = ctypes.CFUNCTYPE(ctypes.c_int)(ctypes.addressof(ctypes.c_char.from_buffer(page)))()
            report('int 0x80 returned', result)
            """
        let result = try await Self.run(program, in: fixture)
        #expect(!result.passed)
        #expect(result.stderrTail.contains("mapped") && !result.stderrTail.contains("returned"), "\(result.stderrTail)")
        #expect(result.exitCode == -Int(SIGSYS), "\(result)")
        #expect(try await fixture.run(addCode, tests: addTests, entryPoint: "add").passed)
    }

    @Test(
        "the checkout, a data file and /etc/passwd are not in the run's view",
        .enabled(if: namespaced && geteuid() == 0, "needs mount namespaces, and root to write under /var/lib"), arguments: SandboxPath.allCases
    )
    func hostFilesAreNotInTheView(path: SandboxPath) async throws {
        let fixture = try SandboxFixture(path: path)
        let dataDirectory = "/var/lib/selfheal-test-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        defer { try? FileManager.default.removeItem(atPath: dataDirectory) }
        let database = "\(dataDirectory)/selfheal.db"
        try #require(FileManager.default.createFile(atPath: database, contents: Data("every prompt, input and output".utf8), attributes: [.posixPermissions: 0o644]))
        let files = [database, "\(Self.repositoryRoot)/Package.swift", "/etc/passwd", "/etc/hostname"]
        let program = """
            for path in \(Self.pythonList(files)):
                try:
                    open(path).read()
                    report('read', path)
                except OSError as error:
                    report('refused', path, type(error).__name__)
            """
        let output = try await Self.output(of: program, in: fixture)
        for path in files where FileManager.default.fileExists(atPath: path) {
            #expect(output.contains("refused \(path) FileNotFoundError"), "\(output)")
        }
    }

    @Test("Python works in the view: its standard library, asyncio, threads, a subprocess, temporary files", arguments: SandboxPath.allCases)
    func pythonStillWorks(path: SandboxPath) async throws {
        let fixture = try SandboxFixture(path: path)
        let program = """
            import asyncio, json, subprocess, sys, tempfile, threading, datetime
            async def main():
                await asyncio.sleep(0)
                return 41
            assert asyncio.run(main()) + 1 == 42
            thread = threading.Thread(target=lambda: None); thread.start(); thread.join()
            assert subprocess.run([sys.executable, '-c', 'print(6 * 7)'], capture_output=True, text=True).stdout.strip() == '42'
            with tempfile.TemporaryFile() as handle:
                handle.write(b'x'); handle.seek(0); assert handle.read() == b'x'
            json.dumps({'now': str(datetime.datetime.now())})
            """
        let result = try await fixture.run(program, tests: "")
        #expect(result.passed, "\(result.stderrTail)")
    }

    /// A Python list literal of `strings` (paths without quotes or backslashes).
    static func pythonList(_ strings: [String]) -> String {
        "[" + strings.map { "'\($0)'" }.joined(separator: ", ") + "]"
    }

    /// What `program` reported (`report(...)` writes a line to stderr, which the result keeps).
    /// `call(name, number, *args)`: reports a system call's result and errno. Should a call
    /// succeed, a child made by clone leaves at once rather than run the rest twice.
    static let systemCaller = """
        import ctypes, os
        libc = ctypes.CDLL(None, use_errno=True)
        def call(name, number, *args):
            result = libc.syscall(number, *[ctypes.c_long(a) for a in args])
            if result == 0 and name.startswith('clone'):
                os._exit(0)
            report(name, result, ctypes.get_errno())

        """

    /// `program` run with `report(*args)`, which prints its arguments on stderr.
    static func run(_ program: String, in fixture: SandboxFixture) async throws -> ExecResult {
        try await fixture.run("import sys\ndef report(*args):\n    print(*args, file=sys.stderr)\n" + program, tests: "")
    }

    static func output(of program: String, in fixture: SandboxFixture) async throws -> String {
        try await run(program, in: fixture).stderrTail
    }
}

/// A Unix socket listening on the host, to see whether a run reaches it.
final class UnixListener: @unchecked Sendable {
    private let fd: Int32

    init(path: String) throws {
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in path.utf8CString.withUnsafeBytes { buffer.copyMemory(from: $0) } }
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) } }
        guard bound == 0, listen(fd, 8) == 0 else { throw POSIXError(.EADDRINUSE) }
        chmod(path, 0o777)
        _ = fcntl(fd, F_SETFL, O_NONBLOCK)
    }

    var acceptedAConnection: Bool {
        let client = accept(fd, nil, nil)
        if client >= 0 { Glibc.close(client) }
        return client >= 0
    }

    func close() { _ = Glibc.close(fd) }
}

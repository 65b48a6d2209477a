/// The warm host's loop, appended to `SandboxJail.source` and run with `host=1`: the launcher
/// enters the host's cgroups and builds the read-only view once, imports what jobs need, and
/// then serves jobs one at a time over descriptor 3 until that closes. The host itself never
/// runs a job's code: each job is a child forked from this pristine interpreter, which
///
/// 1. takes the pipes the host reads its stdout and stderr from, and /dev/null as stdin;
/// 2. enters a mount namespace of its own with fresh, empty tmpfs mounts on `/tmp`, `/var/tmp`
///    and `/dev/shm`, and writes the job's files into `/tmp/job` (nothing is left on the host's
///    disk, and nothing a job writes is seen by the next);
/// 3. sets the rlimits, drops to the slot's uid, sets no_new_privs and installs the filter
///    (`confine`, the very code of a cold run);
/// 4. replaces the environment, closes every other descriptor and runs the command in its own
///    fresh `__main__` (`run_here`, as a cold run does), then exits as the interpreter would.
///
/// After the child ends (or its deadline passes: the host kills it), the host, which is pid 1
/// of its own pid namespace, kills every other process in that namespace and reaps them, so
/// nothing a job started outlives it; then it answers.
///
/// Framing, both ways: a 4-byte big-endian length, then a JSON header line, then raw bytes.
/// A request's header: `command`, `files` ([name, byte count] in the order the bytes follow),
/// `env`, `timeout_ms`, `cap`. The answer's: `status` or `signal`, `timed_out`, `out` and
/// `err` (byte counts of the stdout and stderr tails that follow). The first message the host
/// sends is `{"ready": true}`.
enum WarmHostProgram {
    static let source = #"""

        import json, select, signal, time, traceback, atexit, ast, site
        site.main()
        CONTROL = 3
        NEWNS = 0x00020000
        def read_exact(count):
            data = bytearray()
            while len(data) < count:
                chunk = os.read(CONTROL, count - len(data))
                if not chunk:
                    os._exit(0)
                data += chunk
            return bytes(data)
        def send(header, *blobs):
            line = json.dumps(header).encode() + b"\n"
            body = line + b"".join(blobs)
            message = struct.pack(">I", len(body)) + body
            while message:
                message = message[os.write(CONTROL, message):]
        def job_child(header, body, out_w, err_w):
            try:
                os.dup2(out_w, 1)
                os.dup2(err_w, 2)
                null = os.open("/dev/null", os.O_RDONLY)
                os.dup2(null, 0)
                check(libc.unshare(NEWNS), "entering a mount namespace of the job's own")
                for path in ("/tmp", "/var/tmp", "/dev/shm"):
                    mount("tmpfs", path, "tmpfs", NOSUID | NODEV, "size=%s,mode=1777" % spec["size"], "mounting a private " + path)
                os.mkdir("/tmp/job", 0o755)
                owner = int(spec["uid"]) if "uid" in spec else -1
                offset = 0
                for name, count in header["files"]:
                    if "/" in name or name in ("", ".", ".."):
                        fail("writing the job's files", "bad file name %r" % name)
                    path = "/tmp/job/" + name
                    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
                    view = body[offset:offset + count]
                    while view:
                        view = view[os.write(descriptor, view):]
                    os.close(descriptor)
                    os.chown(path, owner, owner)
                    offset += count
                os.chown("/tmp/job", owner, owner)
                os.chdir("/tmp/job")
                confine()
                os.environ.clear()
                os.environ.update(header["env"])
                os.closerange(3, 4096)
            except BaseException as error:
                fail("setting the job up", error)
            status = 0
            try:
                run_here(header["command"])
            except SystemExit as error:
                code = error.code
                if code is None:
                    status = 0
                elif isinstance(code, int):
                    status = code & 0xFF
                else:
                    try:
                        sys.stderr.write(str(code) + "\n")
                    except BaseException:
                        pass
                    status = 1
            except BaseException as error:
                try:
                    traceback.print_exception(type(error), error, error.__traceback__)
                except BaseException:
                    pass
                status = 1
            try:
                # As the interpreter does at exit: wait for the threads the program started.
                threading = sys.modules.get("threading")
                if threading is not None:
                    threading._shutdown()
            except BaseException:
                pass
            try:
                atexit._run_exitfuncs()
            except BaseException:
                pass
            for stream in (sys.stdout, sys.stderr):
                try:
                    stream.flush()
                except BaseException:
                    pass
            os._exit(status)
        def keep_tail(buffer, chunk, cap):
            buffer += chunk
            if len(buffer) > 2 * cap:
                del buffer[:len(buffer) - cap]
        def serve(header, body):
            cap = header["cap"]
            out_r, out_w = os.pipe()
            err_r, err_w = os.pipe()
            pid = os.fork()
            if pid == 0:
                os.close(out_r)
                os.close(err_r)
                job_child(header, body, out_w, err_w)
                os._exit(125)
            os.close(out_w)
            os.close(err_w)
            deadline = time.monotonic() + header["timeout_ms"] / 1000
            exited = os.pidfd_open(pid)
            poller = select.poll()
            buffers = {out_r: bytearray(), err_r: bytearray()}
            for descriptor in (out_r, err_r, exited, CONTROL):
                poller.register(descriptor, select.POLLIN)
            open_pipes, timed_out, leader_done = 2, False, False
            # Read until both pipes close or the job's first process ends; a process it left
            # behind may hold the pipes open.
            while open_pipes and not leader_done:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    timed_out = True
                    break
                for descriptor, _ in poller.poll(max(1, int(remaining * 1000))):
                    if descriptor == exited:
                        leader_done = True
                        continue
                    if descriptor == CONTROL:
                        # selfheal went away (nothing is sent during a job): end everything.
                        os.kill(-1, signal.SIGKILL)
                        os._exit(0)
                    chunk = os.read(descriptor, 65536)
                    if chunk:
                        keep_tail(buffers[descriptor], chunk, cap)
                    else:
                        poller.unregister(descriptor)
                        open_pipes -= 1
            if timed_out:
                os.kill(pid, signal.SIGKILL)
            _, status = os.waitpid(pid, 0)
            # What the job wrote just before it ended is still in the pipes.
            for descriptor in (out_r, err_r):
                os.set_blocking(descriptor, False)
                try:
                    while True:
                        chunk = os.read(descriptor, 65536)
                        if not chunk:
                            break
                        keep_tail(buffers[descriptor], chunk, cap)
                except BlockingIOError:
                    pass
            # This host is pid 1 of its namespace: -1 reaches every other process in it, which
            # can only be what the job left behind.
            try:
                os.kill(-1, signal.SIGKILL)
            except ProcessLookupError:
                pass
            while True:
                try:
                    os.waitpid(-1, 0)
                except ChildProcessError:
                    break
            for descriptor in (out_r, err_r, exited):
                os.close(descriptor)
            out, err = bytes(buffers[out_r][-cap:]), bytes(buffers[err_r][-cap:])
            answer = {"timed_out": timed_out, "out": len(out), "err": len(err)}
            if os.WIFSIGNALED(status):
                answer["signal"] = os.WTERMSIG(status)
            else:
                answer["status"] = os.WEXITSTATUS(status)
            send(answer, out, err)
        enter_cgroups()
        build_view()
        os.chdir("/")
        send({"ready": True})
        while True:
            length = struct.unpack(">I", read_exact(4))[0]
            message = read_exact(length)
            split = message.index(b"\n")
            serve(json.loads(message[:split]), memoryview(message)[split + 1:])
        """#
}

/// The warm host's loop, appended to `SandboxJail.source` and run with `host=1`: the launcher
/// enters the host's cgroups and builds the read-only view once, imports what jobs need, and
/// then serves jobs one at a time over descriptor 3 until that closes. The host itself never
/// runs a job's code. Ahead of each job it has had its *forker* (`start_forker`: a copy of the
/// host made before the host read any job, never sent a job's bytes, so that no job starts
/// with another's request or output in its memory) fork a *spare*: a child of that pristine
/// interpreter that has taken the pipes the host reads its stdout and stderr from and
/// /dev/null as stdin, set the rlimits, dropped to the slot's uid, set no_new_privs and
/// installed the filter (`confine`, the very code of a cold run), closed every descriptor but
/// its link to the host, and waits; and it has mounted fresh, empty tmpfs on `/tmp`,
/// `/var/tmp` and `/dev/shm` with an empty `/tmp/job` (`mount_places`: nothing reaches the
/// host's disk, nothing a job wrote is seen by the next; a mount namespace per job would cost
/// more, its teardown waits on the kernel). For each job the host
///
/// 1. writes the job's files into `/tmp/job`;
/// 2. sets the memory limit of its cgroups (which it shares with its checker, the spare and
///    the job) to what they hold now plus the run's limit (`limit_job_memory`; the OOM killer
///    picks a job's process before the host), then sends the spare its command; the spare
///    runs it in its own fresh `__main__` (`run_here`, as a cold run does), then ends as the
///    interpreter would, reporting its exit status on the link just before it exits (and
///    before an `os._exit`, which selfheal's harness ends with);
/// 3. answers as soon as that status (or the process's end, or the deadline: the host kills
///    it) is known, then kills every other process of its pid namespace (it is pid 1 there)
///    but its checker, reaps them, detaches the tmpfs mounts, mounts fresh ones, forks the
///    next spare, and says `clean`. selfheal sends the next job only after that.
///
/// A compile-only check of the built-in command, and a smoke run of an answer whose import can
/// only bind names (`PythonStaticSmoke`), may be answered by the host's checker
/// (`start_checker`) without a fork. The environment, the same for every job, is set in the
/// host once.
///
/// Framing, both ways: a 4-byte big-endian length, then a JSON header line, then raw bytes.
/// A request's header: `command`, `files` ([name, byte count] in the order the bytes follow),
/// `trusted` (the main file, when it is selfheal's harness) with `harness_id` (its number: the
/// host keeps the text of each, and a later job sends that file empty), `compile_only`, `smoke_static`
/// (the entry point, or ""; the job is a smoke run), `env`,
/// `timeout_ms`, `cap`. The answer's: `status` or `signal`, `timed_out`, `checker`, `out` and
/// `err` (byte counts of the stdout and stderr tails that follow), or `setup_failed` (why the
/// host could not set the job up), then `{"clean": true}`.
/// The first message the host sends is `{"ready": true}`.
enum WarmHostProgram {
    /// The largest message the host's forker takes (a harness's text with its `harness` line):
    /// one that does not fit ends the forker, and with it every host's first job (all jobs
    /// then run cold). Every harness selfheal has fits (a test checks).
    static let forkerMessageLimit = 1 << 16

    /// The host's program, after the checker's smoke checks (`_selfheal_crude`,
    /// `_selfheal_example_candidates`, `_selfheal_import_binds_only`), defined before the
    /// checker forks.
    static let source = "\n" + PythonCrudeCheck.source + PythonExamples.source + PythonStaticSmoke.source + "\n" + program

    private static let program = #"""

        import json, select, signal, socket, time, traceback, atexit, ast, site, gc
        site.main()
        # Modules generated code commonly imports, loaded once here: a job forked from this
        # process gets its own copy of each, as pristine as a fresh import (random reseeds
        # itself in every child).
        for name in ("collections", "dataclasses", "functools", "itertools", "math", "re", "typing", "heapq", "bisect",
                     "string", "statistics", "datetime", "decimal", "fractions", "random", "copy", "operator", "enum",
                     "json", "textwrap", "unittest"):
            try:
                __import__(name)
            except ImportError:
                pass
        CONTROL = 3
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
        def split_files(header, body):
            # [(name, bytes view)] in the order the request lists them.
            files, offset = [], 0
            for name, count in header["files"]:
                files.append((name, body[offset:offset + count]))
                offset += count
            return files
        # selfheal's harnesses (its own code, marked `trusted` by the request), each sent with
        # the first job that needs it and kept for the host's life, by the number selfheal gives
        # it (1 to 63, not a cache): its text, written into each job's directory, and the number
        # of its compiled code in the forker's `HARNESS_IDS`, which a spare runs.
        KEPT = {}
        HARNESS_IDS = {}
        def with_kept_harness(header, files):
            # The files with the harness's text in place of an empty file, or None when the job
            # names a harness this host was never sent. A text met for the first time is
            # compiled here, once.
            global GENERATION
            number, name = header.get("harness_id"), header.get("trusted")
            if name is None or not isinstance(number, int) or not 0 < number < 64:
                return files
            resolved = []
            for file, view in files:
                if file == name:
                    if len(view) == 0 and number not in KEPT:
                        return None
                    if len(view) > 0 and (number not in KEPT or KEPT[number][0] != view):
                        text = bytes(view)
                        GENERATION += 1
                        # Compiled where spares are forked; a spare forked before has not got it.
                        forker_call(b"harness %d %s\n" % (GENERATION, name.encode()) + text)
                        KEPT[number] = (text, GENERATION)
                    view = KEPT[number][0]
                resolved.append((file, view))
            return resolved
        def trusted_harness(header):
            # The number of the job's compiled harness, or None when its main file is not one.
            kept = KEPT.get(header.get("harness_id")) if header.get("trusted") is not None else None
            return kept[1] if kept else None
        # The world-writable places, each made fresh for every job. The world-writable mounts of
        # the host under the read-only view, which the view hides under a tmpfs (`mask`), are
        # places too (added once the view is built): a tmpfs kept for the host's life would be
        # a place one job writes and the next reads.
        PLACES = ("/tmp", "/var/tmp", "/dev/shm")
        def mount_places():
            # Fresh, empty tmpfs mounts on the world-writable places and an empty /tmp/job, the
            # job's, made ahead of each job (after the last one's processes are gone and its
            # mounts detached): mounting in the host's own namespace costs far less than a
            # namespace per job, whose teardown waits on the kernel. Returns why it failed, or
            # None; a failure is the next job's `setup_failed`.
            try:
                for path in PLACES:
                    if path in lists["mask"] and not os.path.isdir(path):
                        continue  # Gone from the host since: nothing left to hide.
                    # Not `mount()`: its failure would end the host, not fail the job.
                    options = ("size=%s,mode=1777" % spec["size"]).encode()
                    if libc.mount(b"tmpfs", path.encode(), b"tmpfs", NOSUID | NODEV, options) != 0:
                        return "mounting a private %s: %s" % (path, os.strerror(ctypes.get_errno()))
                os.mkdir("/tmp/job", 0o755)
                owner = int(spec["uid"]) if "uid" in spec else -1
                os.chown("/tmp/job", owner, owner)
                return None
            except OSError as error:
                return str(error)
        def write_files(files):
            # The job's files in /tmp/job: nothing is left on the host's disk, and nothing a
            # job wrote is seen by the next. Returns why it failed, or None.
            try:
                owner = int(spec["uid"]) if "uid" in spec else -1
                for name, view in files:
                    if "/" in name or name in ("", ".", ".."):
                        return "bad file name %r" % name
                    path = "/tmp/job/" + name
                    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
                    while view:
                        view = view[os.write(descriptor, view):]
                    os.close(descriptor)
                    os.chown(path, owner, owner)
                return None
            except OSError as error:
                return str(error)
        # Why the places for the next job could not be made, or None when they are ready.
        PLACES_FAILED = "not made yet"
        # The host's memory cgroup, which it shares with its checker, its spare and each job:
        # (usage descriptor, limit descriptor), or None without one.
        MEMORY = None
        def open_memory_files():
            # The files selfheal named; opened before the view hides /sys, never inherited by a
            # job (close-on-exec, and the spare closes every descriptor above 3).
            global MEMORY
            if "memory_limit" in spec:
                try:
                    MEMORY = (os.open(spec["memory_usage"], os.O_RDONLY | os.O_CLOEXEC),
                              os.open(spec["memory_limit"], os.O_WRONLY | os.O_CLOEXEC))
                except OSError as error:
                    fail("opening " + spec["memory_limit"], error)
        def limit_job_memory():
            # A job may take the run's memory limit and no more: the cgroup's limit becomes what
            # the host, its forker, its checker and the spare use now plus that (the job's files
            # are in already, as a cold run's are outside its cgroup). "Now" includes file cache that
            # earlier jobs' reads left charged here, which the kernel reclaims first: a job may
            # get that much more, within selfheal's outer bound (the run's limit + 32 MiB);
            # leaving it out would cost a read of memory.stat per job (~0.1 ms measured). A
            # cgroup per job would cost a migration, which on cgroup v1 stalls every fork on
            # the machine. Returns why it failed, or None.
            if MEMORY is None:
                return None
            usage_file, limit_file = MEMORY
            try:
                limit = min(int(os.pread(usage_file, 64, 0)) + int(spec["run_memory"]), int(spec["memory_bound"]))
                os.write(limit_file, b"%d" % limit)
                return None
            except (OSError, ValueError) as error:
                return "setting the job's memory limit: %s" % error
        def exempt_host():
            # Where root may lower a score (CAP_SYS_RESOURCE), the host is never the OOM
            # killer's pick in its cgroups; elsewhere it has the service's score, below every
            # job's (`confine` sets theirs to the top).
            try:
                set_oom_score(b"-1000")
            except OSError:
                pass
        def clear_places():
            for path in PLACES:
                while libc.umount2(path.encode(), 2) == 0:
                    pass
        # The next job's first process, forked and confined ahead of time so that neither the
        # fork nor the confinement is on a job's path: (pid, pidfd, link, stdout, stderr,
        # generation), or None. It is forked only once every process of the previous job is
        # gone, so no job ever runs beside it under its uid; `GENERATION` moves when the host
        # compiles a harness or changes the environment, which a spare forked before lacks.
        SPARE = None
        GENERATION = 0
        def fork_spare():
            global SPARE
            out_r, out_w = os.pipe()
            err_r, err_w = os.pipe()
            link, child_link = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
            pid = forker_call(b"spare", (out_w, err_w, child_link.fileno()))
            child_link.close()
            os.close(out_w)
            os.close(err_w)
            SPARE = (pid, os.pidfd_open(pid), link.detach(), out_r, err_r, GENERATION)
        def drop_spare():
            global SPARE
            if SPARE is not None:
                pid, exited, link, out_r, err_r, _ = SPARE
                SPARE = None
                signal.pidfd_send_signal(exited, signal.SIGKILL)
                forker_wait(pid)
                for descriptor in (exited, link, out_r, err_r):
                    os.close(descriptor)
        def has_ended(pidfd):
            # A pidfd reads as ready once its process has ended.
            return bool(select.select([pidfd], [], [], 0)[0])
        def take_spare():
            # A spare killed while it waited (a sweep of its uid, the OOM killer) is replaced:
            # the job must not take its death for its own.
            global SPARE
            if SPARE is not None and (SPARE[5] != GENERATION or has_ended(SPARE[1])):
                drop_spare()
            if SPARE is None:
                fork_spare()
            spare, SPARE = SPARE, None
            return spare
        def spare_child(out_w, err_w, link):
            # Takes the pipes the host reads and /dev/null as stdin, confines itself exactly as
            # a cold run does, keeps only the link to the host (as descriptor 3), and waits for
            # its job: the command and the compiled harness to run, by number.
            try:
                os.dup2(out_w, 1)
                os.dup2(err_w, 2)
                null = os.open("/dev/null", os.O_RDONLY)
                os.dup2(null, 0)
                os.dup2(link, 3)
                confine()
                os.closerange(4, 4096)
            except BaseException as error:
                fail("setting the job up", error)
            # The job's code gets a cold run's room under the recursion limit: the frames of
            # the host and of this spare above it are not its own (a cold run's main module is
            # the third frame: the jail, `run_here`, the module; here it is two below this one).
            depth, frame = 0, sys._getframe()
            while frame is not None:
                depth, frame = depth + 1, frame.f_back
            sys.setrecursionlimit(sys.getrecursionlimit() + depth - 1)
            request = bytearray()
            while True:
                chunk = os.read(3, 65536)
                if not chunk:
                    break
                request += chunk
                if request.endswith(b"\n"):
                    break
            if not request.endswith(b"\n"):
                os._exit(0)
            header = json.loads(request)
            code = HARNESS_IDS.get(header.get("harness"))
            me, real_exit = os.getpid(), os._exit
            def report(status):
                # The status, before the exit: the host answers without waiting for the kernel
                # to tear this process down (about a millisecond). Only this process's end is
                # the job's: a child the job forked (ending with `os._exit`, or running on to
                # the end here) does not speak for it. The job's own code could send a report
                # too, but only about itself, and no more than it could by exiting.
                if os.getpid() == me:
                    try:
                        os.write(3, bytes((0x53, status)))
                    except BaseException:
                        pass
            def reporting_exit(status):
                # selfheal's harness ends with `os._exit`: it reports too. A status `_exit`
                # refuses (it raises) is not reported.
                if isinstance(status, int) and -2**31 <= status < 2**31:
                    report(status & 0xFF)
                real_exit(status)
            os._exit = reporting_exit
            status = 0
            try:
                os.chdir("/tmp/job")
                run_here(header["command"], code)
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
            report(status)
            real_exit(status)
        def keep_tail(buffer, chunk, cap):
            buffer += chunk
            if len(buffer) > 2 * cap:
                del buffer[:len(buffer) - cap]
        def end_leftovers():
            # This host is pid 1 of its namespace: every process in it but the host, its forker
            # and its checker can only be what the job left behind. Killed until none is left
            # (one forking while the list is read is caught on the next pass), then reaped: by
            # the host (a process whose parent died is the host's) and by the forker (its own).
            while True:
                # Before each listing, which spares the checker's pid.
                let_go_of_ended_checker()
                others = [int(p) for p in os.listdir("/proc") if p.isdigit() and int(p) not in (1, FORKER[0], CHECKER[0])]
                for pid in others:
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
                while True:
                    try:
                        pid, _ = os.waitpid(-1, os.WNOHANG)
                    except ChildProcessError:
                        break
                    if pid == 0:
                        break
                if not others:
                    break
                forker_call(b"reap")
                time.sleep(0.0002)
            if CHECKER[0] > 0:
                # Nothing a job can do stops it (its uid is its own): this is belt and braces.
                try:
                    signal.pidfd_send_signal(CHECKER[3], signal.SIGCONT)
                except OSError:
                    pass  # Ended since: let go before the next check.
        \#(checkerSource)
        \#(forkerSource)
        ENVIRONMENT = None
        def serve(header, body):
            # Answers the job, then clears up after it: the job's processes ending (the kernel
            # takes about a millisecond to tear one down), its places, the next spare. The loop
            # below says `clean` after each; selfheal sends the next job only then.
            global ENVIRONMENT, GENERATION, PLACES_FAILED
            cap = header["cap"]
            # First of all: a kept harness is kept whatever becomes of the job.
            files = with_kept_harness(header, split_files(header, body))
            if files is None:
                send({"setup_failed": "harness %r was never sent to this host" % header.get("harness_id")})
                return
            # The checker has at most half the job's time: what it barely does in time could
            # time out in the job.
            limit = min(2.0, header["timeout_ms"] / 2000)
            if header.get("compile_only") and len(files) == 1 and checker_says(b"c" + bytes(files[0][1]), limit):
                send({"timed_out": False, "out": 0, "err": 0, "status": 0, "checker": True})
                return
            entry = header.get("smoke_static")
            named = dict(files)
            answer = named.get("\#(PythonHarness.answerFile)") if isinstance(entry, str) and "\n" not in entry else None
            request = bytes(named.get("\#(PythonHarness.requestFile)", b""))
            if answer is not None and checker_says(b"s%s\n%d\n" % (entry.encode(), len(answer)) + bytes(answer) + request, limit):
                send({"timed_out": False, "out": 0, "err": 0, "status": 0, "checker": True})
                return
            harness = trusted_harness(header)
            if header["env"] != ENVIRONMENT:
                # Jobs' environments are alike: set in the forker, once, rather than in every child.
                ENVIRONMENT = header["env"]
                GENERATION += 1
                forker_call(b"env " + json.dumps(ENVIRONMENT).encode())
            why = PLACES_FAILED or write_files(files) or limit_job_memory()
            if why is not None:
                # The host's failure, not the job's: selfheal stops this host and runs the job
                # cold, so its verdict is a cold run's.
                clear_places()
                PLACES_FAILED = mount_places()
                send({"setup_failed": why})
                return
            pid, exited, link, out_r, err_r, _ = take_spare()
            deadline = time.monotonic() + header["timeout_ms"] / 1000
            try:
                os.write(link, json.dumps({"command": header["command"], "harness": harness}).encode() + b"\n")
            except OSError:
                pass  # It died setting itself up: its stderr and status say why.
            poller = select.poll()
            buffers = {out_r: bytearray(), err_r: bytearray()}
            for descriptor in (out_r, err_r, exited, link, CONTROL):
                poller.register(descriptor, select.POLLIN)
            timed_out, reported, status = False, None, None
            # Read until the job's first process says how it ended or ends; a process it left
            # behind may hold the pipes open.
            while reported is None and status is None:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    timed_out = True
                    break
                for descriptor, _ in poller.poll(max(1, int(remaining * 1000))):
                    if descriptor == exited:
                        status = forker_wait(pid)
                        break
                    if descriptor == CONTROL:
                        # selfheal went away (nothing is sent during a job): end everything.
                        os.kill(-1, signal.SIGKILL)
                        os._exit(0)
                    if descriptor == link:
                        # All there is: a report is its two bytes alone. A job's own bytes
                        # before it (even a lone "S") make it something else.
                        message = os.read(link, 64)
                        if len(message) == 2 and message[0] == 0x53:
                            reported = message[1]
                            break
                        # Not the spare's report: wait for the process to end.
                        poller.unregister(link)
                        continue
                    chunk = os.read(descriptor, 65536)
                    if chunk:
                        keep_tail(buffers[descriptor], chunk, cap)
                    else:
                        poller.unregister(descriptor)
            if timed_out:
                os.kill(pid, signal.SIGKILL)
                status = forker_wait(pid)
            # What the job wrote before it reported or ended is in the pipes.
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
            out, err = bytes(buffers[out_r][-cap:]), bytes(buffers[err_r][-cap:])
            answer = {"timed_out": timed_out, "out": len(out), "err": len(err)}
            if reported is not None:
                answer["status"] = reported
            elif os.WIFSIGNALED(status):
                answer["signal"] = os.WTERMSIG(status)
            else:
                answer["status"] = os.WEXITSTATUS(status)
            send(answer, out, err)
            if status is None:
                # It reported and is on its way out: ended here, and reaped
                # as soon as it is gone rather than at the pace of the sweep below.
                os.kill(pid, signal.SIGKILL)
                forker_wait(pid)
            end_leftovers()
            clear_places()
            PLACES_FAILED = mount_places()
            for descriptor in (out_r, err_r, exited, link):
                os.close(descriptor)
            fork_spare()
        enter_cgroups()
        open_memory_files()
        exempt_host()
        build_view()
        os.chdir("/")
        PLACES += tuple(path for path in lists["mask"] if os.path.isdir(path))
        # Everything made so far is left alone by the collector: a job's collections then
        # never walk (and copy) the pages it was forked with.
        gc.collect()
        gc.freeze()
        start_forker()
        start_checker()
        PLACES_FAILED = mount_places()
        fork_spare()
        send({"ready": True})
        while True:
            length = struct.unpack(">I", read_exact(4))[0]
            message = read_exact(length)
            split = message.index(b"\n")
            serve(json.loads(message[:split]), memoryview(message)[split + 1:])
            send({"clean": True})
        """#
}

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
    /// The host's program, after the checker's smoke checks (`_selfheal_crude`,
    /// `_selfheal_example_candidates`, `_selfheal_import_binds_only`), defined before the
    /// checker forks.
    /// The largest message the host's forker takes (a harness's text with its `harness` line):
    /// one that does not fit ends the forker, and with it every host's first job (all jobs
    /// then run cold). Every harness selfheal has fits (a test checks).
    static let forkerMessageLimit = 1 << 16

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
            # A checker that has ended is let go first: once the forker reaps it, its pid may
            # be a job's process, which the list must not spare.
            if CHECKER[0] > 0 and has_ended(CHECKER[3]):
                stop_checker()
            while True:
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
        # (pid, request pipe, reply pipe, pidfd) of the checker, or -1s.
        CHECKER = (-1, -1, -1, -1)
        def start_checker():
            # A confined process that only compiles: a compile-only check needs no fork. It
            # runs with the jobs' limits and filter but a uid of its own (no job may signal or
            # trace it), undumpable, and answers 1 (compiles) or 0 (does not, or it
            # cannot tell): a 0 sends the check down the forked path, which gives the verdict
            # and the error text, so a checker that crashes or lies about a failure cannot
            # change a verdict.
            global CHECKER, CHECKER_MEMORY
            request_r, request_w = os.pipe()
            reply_r, reply_w = os.pipe()
            pid = forker_call(b"checker", (request_r, reply_w))
            os.close(request_r)
            os.close(reply_w)
            # Not reaped before this (the forker reaps only when asked): the pidfd is its.
            CHECKER = (pid, request_w, reply_r, os.pidfd_open(pid))
            try:
                CHECKER_MEMORY = (os.open("/proc/%d/smaps_rollup" % pid, os.O_RDONLY | os.O_CLOEXEC), 0)
            except OSError:
                CHECKER_MEMORY = (-1, 0)
        def checker_child(request_r, reply_w):
            # In the checker, forked by the forker: its loop.
            try:
                check(libc.prctl(4, ctypes.c_ulong(0), ctypes.c_ulong(0), ctypes.c_ulong(0), ctypes.c_ulong(0)), "making the checker undumpable")
                os.dup2(request_r, 0)
                os.dup2(reply_w, 1)
                null = os.open("/dev/null", os.O_WRONLY)
                os.dup2(null, 2)
                confine(int(spec["checker_uid"]) if "checker_uid" in spec else None)
                os.closerange(3, 4096)
            except BaseException:
                os._exit(125)
            while True:
                head = os.read(0, 4)
                if len(head) < 4:
                    os._exit(0)
                remaining = struct.unpack(">I", head)[0]
                chunks = []
                while remaining:
                    chunk = os.read(0, min(remaining, 1 << 20))
                    if not chunk:
                        os._exit(0)
                    chunks.append(chunk)
                    remaining -= len(chunk)
                payload = b"".join(chunks)
                try:
                    if payload[:1] == b"s":
                        entry, _, rest = payload[1:].partition(b"\n")
                        size, _, rest = rest.partition(b"\n")
                        size = int(size)
                        request = rest[size:] if size >= 0 and len(rest) > size else None
                        answer = b"1" if smoke_passes(rest[:size], entry.decode() or None, request) else b"0"
                    else:
                        # Deeper than a job compiles (see `smoke_passes`).
                        at_depth(30, lambda: compile(payload[1:].decode("utf-8"), "main.py", "exec"))
                        answer = b"1"
                except MemoryError:
                    os.write(1, b"0")
                    os._exit(0)
                except BaseException:
                    answer = b"0"
                os.write(1, answer)
        def smoke_passes(data, entry, request):
            # In the checker: whether a smoke run of the answer `data` is known to pass without
            # running it. The request's text (`request`, when the job has one) states no worked
            # example, the answer is read as the harness reads it (UTF-8, universal newlines),
            # compiles without a warning (a warning would be on the run's stderr), the crude
            # check finds no defect, and importing it can only bind names (`PythonStaticSmoke`).
            # Else the fork decides, and gives the error text.
            import warnings
            if request is not None:
                text = request.decode("utf-8", "replace").replace("\r\n", "\n").replace("\r", "\n")
                for _ in _selfheal_example_candidates(text):
                    return False
            source = data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
            def judged():
                with warnings.catch_warnings(record=True) as caught:
                    warnings.simplefilter("always")
                    tree = compile(source, "solution.py", "exec", ast.PyCF_ONLY_AST)
                    if caught or not _selfheal_import_binds_only(tree, entry):
                        return False
                    compile(tree, "solution.py", "exec")
                # A warning would be on the run's stderr.
                return not caught and _selfheal_crude(tree) is None
            # Judged 30 calls deeper than here, deeper than a job's harness compiles: the
            # compiler's and the crude check's recursion limits count from the caller's depth,
            # so a tree too deep for the job is too deep here too.
            try:
                return at_depth(30, judged)
            finally:
                # Annotations fill typing's caches: a later answer must not find its work done.
                for clear in getattr(sys.modules.get("typing"), "_cleanups", ()):
                    clear()
        def at_depth(frames, work):
            return work() if frames <= 0 else at_depth(frames - 1, work)
        def checker_says(payload, limit):
            # True when the checker answered yes for `payload` (b"c" and a program: it compiles;
            # b"s", the entry point, the answer's byte count, each ended by a newline, the answer
            # and the request's text, if any: its smoke run passes); False sends
            # the job down the forked path, as does no answer within `limit` seconds.
            if CHECKER[0] > 0 and has_ended(CHECKER[3]):
                stop_checker()
            if CHECKER[0] < 0:
                start_checker()
            pid, request_w, reply_r, _ = CHECKER
            try:
                message = struct.pack(">I", len(payload)) + payload
                while message:
                    message = message[os.write(request_w, message):]
                ready, _, _ = select.select([reply_r], [], [], limit)
                answer = os.read(reply_r, 1) if ready else b""
            except OSError:
                answer = b""
            if answer not in (b"0", b"1"):
                # Dead, stopped, or too slow: replaced on the next check.
                stop_checker()
                return False
            if checker_grew(len(payload)):
                # Its answer stands; what it kept of a large input would be taken from the room
                # of every job after (the cgroup's limit counts it): replaced on the next check.
                stop_checker()
            return answer == b"1"
        # The checker's /proc/PID/smaps_rollup, and the checks it answered since it was read.
        CHECKER_MEMORY = (-1, 0)
        # What a checker may hold of its own (about 1.3 MiB after thousands of checks here).
        CHECKER_HOLDS = 16 << 20
        def checker_private_bytes(rollup):
            # The pages the checker alone maps: what it allocated, and what it copied from the
            # forker on writing to it (resident less shared, from statm, counts such a page
            # before and after the copy, and so misses the copy, which the cgroup counts).
            total = 0
            for line in os.pread(rollup, 4096, 0).split(b"\n"):
                if line.startswith((b"Private_Clean:", b"Private_Dirty:")):
                    total += int(line.split()[1]) << 10
            return total
        def checker_grew(size):
            # Read after a large input (what a checker keeps grows with its input) and after
            # every 16th check: walking its pages takes ~50 µs, which most checks are spared.
            global CHECKER_MEMORY
            rollup, checks = CHECKER_MEMORY
            if rollup < 0:
                return False  # Not known: kept, as before this was measured.
            if size < 1 << 15 and checks < 15:
                CHECKER_MEMORY = (rollup, checks + 1)
                return False
            CHECKER_MEMORY = (rollup, 0)
            try:
                return checker_private_bytes(rollup) > CHECKER_HOLDS
            except (OSError, ValueError, IndexError):
                return True
        def stop_checker():
            global CHECKER, CHECKER_MEMORY
            # Killed and reaped by the forker, its parent: only the parent knows whether the
            # pid is still the checker's (it may have reaped it, and the pid gone to another).
            forker_call(b"stop-checker")
            for descriptor in CHECKER[1:] + (CHECKER_MEMORY[0],):
                try:
                    os.close(descriptor)
                except OSError:
                    pass
            CHECKER, CHECKER_MEMORY = (-1, -1, -1, -1), (-1, 0)
        # The process that forks each job's first process (the spare) and each checker. The
        # host has read every job's request and output: freed, not cleared, they stay in its
        # memory, and its frames hold the last ones; a process forked from it would start with
        # them. The forker is forked from the host before any job and is sent nothing of one:
        # descriptors, the jobs' environment (the same for all), selfheal's harnesses. Its
        # children are its own to reap: the host asks it for their statuses.
        FORKER = (-1, None)
        def start_forker():
            global FORKER
            near, far = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
            pid = os.fork()
            if pid == 0:
                try:
                    near.close()
                    os.close(CONTROL)
                    for descriptor in MEMORY or ():
                        os.close(descriptor)
                    forker_loop(far)
                finally:
                    os._exit(0)
            far.close()
            FORKER = (pid, near)
        def forker_loop(channel):
            checker = None  # The checker's pid while it is this process's child, unreaped.
            while True:
                message, descriptors, flags, _ = socket.recv_fds(channel, \#(WarmHostProgram.forkerMessageLimit), 4)
                # Cut short (a harness over the limit, which selfheal has not): the host fails.
                if not message or flags & socket.MSG_TRUNC:
                    return
                kind, _, rest = message.partition(b" ")
                if kind in (b"spare", b"checker"):
                    pid = os.fork()
                    if pid == 0:
                        try:
                            channel.close()
                            if kind == b"spare":
                                spare_child(*descriptors)
                            else:
                                checker_child(*descriptors)
                        finally:
                            # Each ends with its own exit; an exception that escapes one ends
                            # it as it would end an interpreter, with 1, not as the forker ends
                            # (with 0). The harness's own handling keeps a job's exceptions
                            # from getting here: this is for what it cannot see.
                            os._exit(1)
                    for descriptor in descriptors:
                        os.close(descriptor)
                    if kind == b"checker":
                        checker = pid
                    reply = pid
                elif kind == b"wait":
                    try:
                        reply = os.waitpid(int(rest), 0)[1]
                    except ChildProcessError:
                        reply = -1
                elif kind == b"reap":
                    # Bounded: a job's processes made children of this one (CLONE_PARENT) could
                    # keep it reaping; the host asks again while any is left.
                    reply = 0
                    for _ in range(1024):
                        try:
                            reaped = os.waitpid(-1, os.WNOHANG)[0]
                        except ChildProcessError:
                            break
                        if reaped == 0:
                            break
                        if reaped == checker:
                            checker = None
                elif kind == b"stop-checker":
                    reply = 0
                    if checker is not None:
                        os.kill(checker, signal.SIGKILL)
                        os.waitpid(checker, 0)
                        checker = None
                elif kind == b"env":
                    os.environ.clear()
                    os.environ.update(json.loads(rest))
                    gc.freeze()
                    reply = 0
                elif kind == b"harness":
                    generation, _, rest = rest.partition(b" ")
                    name, _, text = rest.partition(b"\n")
                    HARNESS_IDS[int(generation)] = compile(text, name.decode(), "exec")
                    gc.freeze()
                    reply = 0
                else:
                    return  # Not the host's: the host fails, as when the forker is gone.
                channel.send(b"%d" % reply)
        def forker_wait(pid):
            # The wait status of the forker's child `pid` (a spare: the job's first process).
            # The host asks only for a child it has not had reaped: a forker that has no such
            # child has lost track of the job, and this host can vouch for no verdict (selfheal
            # runs the job cold and starts another host).
            status = forker_call(b"wait %d" % pid)
            if status < 0:
                os.kill(-1, signal.SIGKILL)
                os._exit(1)
            return status
        def forker_call(message, descriptors=()):
            # The forker's answer (a pid, a wait status, or 0). A forker that is gone leaves
            # this host unable to start a job: it ends, and selfheal starts another.
            try:
                socket.send_fds(FORKER[1], [message], list(descriptors))
                return int(FORKER[1].recv(64))
            except (OSError, ValueError):
                os.kill(-1, signal.SIGKILL)
                os._exit(1)
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

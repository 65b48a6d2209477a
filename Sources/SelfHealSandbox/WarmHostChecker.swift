/// The warm host's compile-only *checker* (part of `WarmHostProgram.source`): a process forked
/// by the host's forker that only compiles, and answers whether a program compiles or a smoke
/// run is known to pass without running it (`PythonStaticSmoke`). Its answer can only spare a
/// fork: a 0, no answer or a dead checker sends the job down the forked path, which gives the
/// verdict. The host replaces it when it dies, stalls or holds too much memory of its own.
extension WarmHostProgram {
    static let checkerSource = #"""
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
                CHECKER_MEMORY = (os.open("/proc/%d/smaps_rollup" % pid, os.O_RDONLY | os.O_CLOEXEC), 0, 0)
            except OSError:
                CHECKER_MEMORY = (-1, 0, 0)
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
            let_go_of_ended_checker()
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
        # The checker's /proc/PID/smaps_rollup, and the checks it answered and the bytes it was
        # sent since it was read.
        CHECKER_MEMORY = (-1, 0, 0)
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
            # Read once 32 KiB of input came since the last read (what a checker keeps grows
            # with its input) and after every 16th check: walking its pages takes ~50 µs, which
            # most checks are spared.
            global CHECKER_MEMORY
            rollup, checks, sent = CHECKER_MEMORY
            if sent + size < 1 << 15 and checks < 15:
                CHECKER_MEMORY = (rollup, checks + 1, sent + size)
                return False
            CHECKER_MEMORY = (rollup, 0, 0)
            try:
                return checker_private_bytes(rollup) > CHECKER_HOLDS
            except (OSError, ValueError, IndexError):
                # Not measurable here (smaps_rollup refused: a kernel or a security module
                # that denies it): replaced at each point it would have been measured.
                return True
        def let_go_of_ended_checker():
            # A checker that has ended (killed by an operator, a sweep or the OOM killer) is
            # stopped through the forker before its pid is used: once the forker reaps it, the
            # pid may be a job's process or the next spare. A zombie keeps its pid.
            if CHECKER[0] > 0 and has_ended(CHECKER[3]):
                stop_checker()
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
            CHECKER, CHECKER_MEMORY = (-1, -1, -1, -1), (-1, 0, 0)
        """#
}

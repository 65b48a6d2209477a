/// The warm host's *forker* (part of `WarmHostProgram.source`): a copy of the host made before
/// the host read any job, which forks each job's first process (the spare) and each checker,
/// reaps them, and answers the host over a SOCK_SEQPACKET pair. It is never sent a job's
/// bytes, so no job starts with another's request or output in its memory.
extension WarmHostProgram {
    static let forkerSource = #"""
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
        """#
}

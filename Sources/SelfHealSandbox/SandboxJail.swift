/// The program that sets a run up between the launch and the run's own command, run by
/// `python3 -I -S` (Python is the one interpreter the sandbox always has; Swift cannot run code
/// between fork and exec). In this order, each step failing the run with exit status 125 and
/// `selfheal-jail: <step>: <why>` on stderr:
///
/// 1. enter the run's cgroups (memory and process limits for the whole run);
/// 2. with namespaces: build a fresh root on a small tmpfs (`/usr` and the rest of
///    `SandboxFilesystem` read-only, a few files of /etc copied, private empty `/tmp`,
///    `/var/tmp`, `/dev/shm`, the devices a program needs, a fresh `/proc`, the job directory at
///    `/tmp/job`), mask every world-writable mount found under the read-only paths with an
///    empty tmpfs and make the other mounts found there read-only, then `pivot_root` into it
///    and detach the host's root; without: enter the job directory;
/// 3. the OOM killer's first pick (`oom_score_adj` 1000), the rlimits (CPU, address space,
///    processes, file size, open files, no core);
/// 4. drop to the run's uid with no groups (as root);
/// 5. no new privileges, then the seccomp filter (see `filter` below);
/// 6. close every inherited descriptor but 0-2 and exec the command; a `python3 -I` command
///    runs in this very interpreter instead (`inprocess=1`), which saves starting another.
enum SandboxJail {
    /// Exit status of a run whose setup failed (the command never ran).
    static let setupFailedStatus: Int32 = 125

    /// The seccomp filter, as BPF for x86_64 (elsewhere the run gets none; `/health` says so):
    /// `socket` is refused with EPERM whatever the family, so no Unix, netlink or IP socket
    /// can be opened (a connected AF_UNIX pair from `socketpair` is allowed: asyncio needs one
    /// and it reaches nothing); `unshare`, `setns` and `clone` with any namespace flag are
    /// refused, so no new user namespace (nor any other); `clone3`, whose flags a filter cannot
    /// read, answers ENOSYS so the C library falls back to `clone`; `mount`, `umount2`,
    /// `pivot_root` and `chroot` (a run in a user namespace is root there), `io_uring_*` (its
    /// operations bypass the filter), keyrings, `bpf`, `perf_event_open` and `userfaultfd` are
    /// refused; so is making a System V shared memory segment, semaphore set or message queue,
    /// or opening a POSIX message queue: these outlive every process of a run, and a warm host
    /// serves many jobs in one IPC namespace, so one job's would be the next one's (named POSIX
    /// semaphores and shared memory, which `multiprocessing` uses, are files in the job's own
    /// `/dev/shm`). x32 system calls are refused; another architecture's are killed.
    static let source = #"""
        import os, sys, ctypes, resource, struct
        def fail(step, why):
            os.write(2, ("selfheal-jail: %s: %s\n" % (step, why)).encode())
            os._exit(125)
        args = sys.argv[1:]
        split = args.index("--")
        spec, lists = {}, {"cgroup": [], "ro": [], "remount": [], "mask": [], "link": [], "copy": []}
        for item in args[:split]:
            key, _, value = item.partition("=")
            if key in lists:
                lists[key].append(value)
            else:
                spec[key] = value
        command = args[split + 1:]
        libc = ctypes.CDLL(None, use_errno=True)
        libc.mount.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulong, ctypes.c_char_p]
        def check(result, step):
            if result != 0:
                fail(step, os.strerror(ctypes.get_errno()))
        def mount(source, target, fstype, flags, data, step):
            encode = lambda text: text.encode() if text is not None else None
            check(libc.mount(encode(source), encode(target), encode(fstype), flags, encode(data)), step)
        RDONLY, NOSUID, NODEV, NOEXEC, REMOUNT, BIND, REC, PRIVATE = 1, 2, 4, 8, 32, 4096, 16384, 1 << 18
        def kept_flags(path):
            # A remount must keep the flags a user namespace locked on the mount.
            f = os.statvfs(path).f_flag
            flags = f & (NOSUID | NODEV | NOEXEC)
            flags |= (1024 if f & 1024 else 0) | (2048 if f & 2048 else 0) | ((1 << 21) if f & 4096 else 0)
            return flags
        def enter_cgroups():
            for procs in lists["cgroup"]:
                try:
                    with open(procs, "w") as handle:
                        handle.write("0")
                except OSError as error:
                    fail("entering cgroup " + procs, error)
        def build_view():
            # The new root; the job directory is bound at /tmp/job when there is one (a warm
            # host has none: each of its jobs gets a private /tmp of its own).
            root, size = spec["root"], spec["size"]
            mount(None, "/", None, REC | PRIVATE, None, "making the mounts private")
            mount("tmpfs", root, "tmpfs", NOSUID, "size=%s,mode=755" % size, "mounting the new root")
            for path in lists["ro"]:
                target = root + path
                os.makedirs(target, exist_ok=True)
                mount(path, target, None, BIND | REC, None, "binding " + path)
                mount(None, target, None, REMOUNT | BIND | RDONLY | kept_flags(path), None, "making " + path + " read-only")
            for path in lists["remount"]:
                if os.path.isdir(root + path):
                    mount(None, root + path, None, REMOUNT | BIND | RDONLY | kept_flags(path), None, "making " + path + " read-only")
            for path in lists["mask"]:
                if os.path.isdir(root + path):
                    masked = libc.mount(b"tmpfs", (root + path).encode(), b"tmpfs", NOSUID | NODEV, b"size=%s,mode=1777" % size.encode())
                    # Unmounted and removed from the host since it was listed: nothing to hide.
                    if masked != 0 and ctypes.get_errno() != 2:
                        check(masked, "masking " + path)
            for link in lists["link"]:
                name, _, target = link.partition(":")
                os.symlink(target, root + name)
            for path in lists["copy"]:
                try:
                    with open(path, "rb") as source:
                        data = source.read(1 << 22)
                except OSError:
                    continue
                os.makedirs(os.path.dirname(root + path), exist_ok=True)
                with open(root + path, "wb") as copy:
                    copy.write(data)
            for path in ("/tmp", "/var/tmp", "/dev/shm"):
                os.makedirs(root + path, exist_ok=True)
                os.chmod(root + path, 0o1777)
            for name, minor in (("null", 3), ("zero", 5), ("full", 7), ("random", 8), ("urandom", 9)):
                device = root + "/dev/" + name
                try:
                    os.mknod(device, 0o20666, os.makedev(1, minor))
                    os.chmod(device, 0o666)
                except PermissionError:
                    open(device, "w").close()
                    mount("/dev/" + name, device, None, BIND, None, "binding /dev/" + name)
            for name, target in (("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"), ("stdout", "/proc/self/fd/1"), ("stderr", "/proc/self/fd/2")):
                os.symlink(target, root + "/dev/" + name)
            if "job" in spec:
                os.makedirs(root + "/tmp/job")
                mount(spec["job"], root + "/tmp/job", None, BIND, None, "binding the job directory")
            os.makedirs(root + "/proc")
            if libc.mount(b"proc", (root + "/proc").encode(), b"proc", NOSUID | NODEV | NOEXEC, None) != 0 and spec["mode"] == "namespaces":
                fail("mounting /proc", os.strerror(ctypes.get_errno()))
            os.chdir(root)
            check(libc.syscall(155, b".", b"."), "pivot_root")
            check(libc.umount2(b".", 2), "detaching the host's root")
        def set_oom_score(value):
            descriptor = os.open("/proc/self/oom_score_adj", os.O_WRONLY)
            try:
                os.write(descriptor, value)
            finally:
                os.close(descriptor)
        def confine(uid=None):
            # Steps 3 to 5: the rlimits, the run's uid (or `uid`), no new privileges, the filter.
            # First the OOM killer's first pick: a run's processes go before the service's
            # (and a warm host's) when memory runs out. Raising a score needs no privilege; as
            # root with CAP_SYS_RESOURCE this also makes it the lowest the run may set.
            try:
                set_oom_score(b"1000")
            except FileNotFoundError:
                pass  # No /proc in this view (a user namespace that may not mount one).
            except OSError as error:
                fail("setting the OOM score", error)
            for name, value in (("CPU", "cpu"), ("AS", "as"), ("NPROC", "nproc"), ("FSIZE", "fsize"), ("NOFILE", "nofile"), ("CORE", "core")):
                limit = int(spec[value])
                try:
                    resource.setrlimit(getattr(resource, "RLIMIT_" + name), (limit, limit))
                except (OSError, ValueError) as error:
                    fail("setting RLIMIT_" + name, error)
            if uid is None and "uid" in spec:
                uid = int(spec["uid"])
            if uid is not None:
                try:
                    os.setgroups([])
                    os.setresgid(uid, uid, uid)
                    os.setresuid(uid, uid, uid)
                except OSError as error:
                    fail("switching to uid %d" % uid, error)
            zero = ctypes.c_ulong(0)
            check(libc.prctl(38, ctypes.c_ulong(1), zero, zero, zero), "setting no_new_privs")
            if spec.get("seccomp") == "x86_64":
                check(libc.prctl(22, ctypes.c_ulong(2), ctypes.c_char_p(FILTER[0]), zero, zero), "installing the seccomp filter")
        def seccomp_program():
            ERRNO, ALLOW, KILL = 0x00050000, 0x7FFF0000, 0x80000000
            EPERM, ENOSYS = 1, 38
            program = []
            def op(code, k, jt=0, jf=0):
                program.append(struct.pack("HBBI", code, jt, jf, k))
            LD, JEQ, JGE, JSET, RET = 0x20, 0x15, 0x35, 0x45, 0x06
            deny = [41, 272, 308, 165, 166, 155, 161, 425, 426, 427, 248, 249, 250, 321, 298, 323, 29, 64, 68, 240]
            op(LD, 4)                                   # arch
            op(JEQ, 0xC000003E, 1, 0)
            op(RET, KILL)
            op(LD, 0)                                   # system call number
            op(JGE, 0x40000000, 0, 1)                   # x32
            op(RET, ERRNO | EPERM)
            for number in deny:
                op(JEQ, number, 0, 1)
                op(RET, ERRNO | EPERM)
            op(JEQ, 435, 0, 1)                          # clone3
            op(RET, ERRNO | ENOSYS)
            op(JEQ, 53, 0, 4)                           # socketpair: AF_UNIX only
            op(LD, 16)
            op(JEQ, 1, 0, 1)
            op(RET, ALLOW)
            op(RET, ERRNO | EPERM)
            op(JEQ, 56, 0, 3)                           # clone: no namespace flags
            op(LD, 16)
            op(JSET, 0x7E020000, 0, 1)
            op(RET, ERRNO | EPERM)
            op(RET, ALLOW)
            code = b"".join(program)
            buffer = ctypes.create_string_buffer(code, len(code))
            # The buffer is kept with the program: the kernel reads it when the filter is installed.
            return struct.pack("HxxxxxxQ", len(program), ctypes.addressof(buffer)), buffer
        FILTER = seccomp_program() if spec.get("seccomp") == "x86_64" else None
        def run_here(command, code=None):
            # The command is `python3 -I FILE` or `python3 -I -c CODE ...`, and this process is
            # that interpreter already (isolated too): run it here rather than start another.
            # A fresh __main__, as the interpreter makes one (runpy would cost 14 ms of imports).
            main = type(sys)("__main__")
            main.__builtins__ = __builtins__
            sys.modules["__main__"] = main
            if command[2] == "-c":
                sys.argv = ["-c"] + command[4:]
                code = compile(command[3], "<string>", "exec")
            else:
                sys.argv = command[2:]
                main.__file__ = command[2]
                if code is None:
                    with open(command[2], "rb") as source:
                        code = compile(source.read(), command[2], "exec")
            exec(code, main.__dict__)
        if "host" not in spec:
            enter_cgroups()
            if spec["mode"] != "plain":
                build_view()
                os.chdir("/tmp/job")
            else:
                os.chdir(spec["job"])
            confine()
            os.closerange(3, 4096)
            if spec.get("inprocess") == "1":
                import site
                site.main()
                del libc, spec, lists, args
                run_here(command)
            else:
                try:
                    os.execvp(command[0], command)
                except OSError as error:
                    fail("running " + command[0], error)
        """#
}

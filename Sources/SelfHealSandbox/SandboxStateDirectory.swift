import Foundation
import SelfHealCore
#if canImport(Glibc)
import Glibc
#endif

/// selfheal's own directory for sandbox state: a directory per runner process, holding that
/// runner's job directories. Nobody but selfheal's user may write in it, so no file selfheal
/// creates there can be planted as a symlink first (on hosts with `fs.protected_symlinks=0`
/// a planted link in a shared place like /tmp or /run/lock redirects a root write anywhere).
///
/// Each runner holds an exclusive `flock` on its directory's lock file for its lifetime; the
/// kernel drops it when the process dies, however it dies. A runner starting up removes every
/// runner directory whose lock it can take: what a killed server left behind.
final class SandboxStateDirectory: Sendable {
    let root: String
    /// This runner's directory; job directories are made inside it.
    let runnerDirectory: String
    private let lockDescriptor: Int32

    /// `/run/selfheal` as root (root-owned, cleared at boot); otherwise a directory of the
    /// user's own under the temporary directory.
    static var defaultRoot: String {
        geteuid() == 0 ? "/run/selfheal" : "\(NSTemporaryDirectory())selfheal-\(geteuid())"
    }

    /// Where each namespaced run mounts its new root, inside its own mount namespace (the host
    /// sees an empty directory).
    var rootMountPoint: String { "\(runnerDirectory)/root" }

    /// This runner's name, unique on the host while it lives (its directory's name).
    var name: String { (runnerDirectory as NSString).lastPathComponent }

    /// What a start-up sweep removed, for the log.
    struct Sweep: Equatable {
        var runners = 0
        var jobs = 0
        /// The names of the runners whose directories were removed.
        var names: [String] = []
        /// Abandoned runners kept for the next sweep: some of their cgroups could not be removed.
        var kept: [String] = []
    }

    /// Makes (or checks) `root`, sweeps abandoned runner directories and claims one of its own.
    init(root: String) throws(SandboxError) {
        self.root = root
        try Self.ensurePrivateDirectory(root)
        let runners = "\(root)/runners"
        try Self.ensurePrivateDirectory(runners)
        var template = Array("\(runners)/runner-\(getpid())-XXXXXX".utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw .launchFailed("cannot create a directory in \(runners): \(ChildProcess.errnoText())")
        }
        runnerDirectory = String(cString: made)
        // Job programs run as other uids; they pass through to their own directory, never list.
        chmod(runnerDirectory, 0o711)
        // Locked under another name first, then renamed: a sweeper that finds `lock` always
        // finds it held while this runner lives.
        let descriptor = open("\(runnerDirectory)/lock.new", O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0, flock(descriptor, LOCK_EX | LOCK_NB) == 0, rename("\(runnerDirectory)/lock.new", "\(runnerDirectory)/lock") == 0 else {
            throw .launchFailed("cannot lock \(runnerDirectory)/lock: \(ChildProcess.errnoText())")
        }
        lockDescriptor = descriptor
        guard mkdir(rootMountPoint, 0o700) == 0 else {
            throw .launchFailed("cannot create \(rootMountPoint): \(ChildProcess.errnoText())")
        }
    }

    deinit {
        try? FileManager.default.removeItem(atPath: runnerDirectory)
        close(lockDescriptor)
    }

    /// Notes the uids this runner's programs run as in its lock file, so that whoever sweeps
    /// up after it can find their processes.
    func recordUIDs(first: Int, count: Int) {
        let text = Array("\(first) \(count)\n".utf8)
        _ = ftruncate(lockDescriptor, 0)
        _ = text.withUnsafeBytes { pwrite(lockDescriptor, $0.baseAddress, $0.count, 0) }
    }

    /// Removes the directories of runners that are gone (their lock is free), with every job
    /// directory they left, and kills the programs still running as their uids where no live
    /// runner has claimed those uids since (one that has killed them when it claimed them).
    /// Live runners, this one and others on the host, keep theirs.
    /// `removeCgroups` removes the cgroups a runner of that name made and says whether none is
    /// left: only then does its directory go, so a cgroup that cannot be removed yet (a process
    /// in it still exiting) is tried again by the next runner's sweep instead of being forgotten.
    func sweepAbandoned(uidLockDirectory: String, removeCgroups: (String) -> Bool = { _ in true }) -> Sweep {
        let runners = "\(root)/runners"
        var sweep = Sweep()
        for name in (try? FileManager.default.contentsOfDirectory(atPath: runners)) ?? [] {
            let directory = "\(runners)/\(name)"
            guard directory != runnerDirectory, name.hasPrefix("runner-") else { continue }
            let descriptor = open("\(directory)/lock", O_RDWR | O_NOFOLLOW | O_CLOEXEC)
            if descriptor >= 0 {
                defer { close(descriptor) }
                // Held: a live runner. Free: its process is gone.
                guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else { continue }
                killPrograms(recordedIn: descriptor, uidLockDirectory: uidLockDirectory)
            } else if errno != ENOENT || !Self.isOld(directory) {
                // No lock file: a runner starting this very moment, or one killed before it
                // locked (then its directory is old).
                continue
            }
            guard removeCgroups(name) else {
                sweep.kept.append(name)
                continue
            }
            let jobs = (try? FileManager.default.contentsOfDirectory(atPath: directory))?.filter { $0.hasPrefix("job-") }.count ?? 0
            if (try? FileManager.default.removeItem(atPath: directory)) != nil {
                sweep.runners += 1
                sweep.jobs += jobs
                sweep.names.append(name)
            }
        }
        return sweep
    }

    private func killPrograms(recordedIn descriptor: Int32, uidLockDirectory: String) {
        var buffer = [UInt8](repeating: 0, count: 64)
        let count = pread(descriptor, &buffer, buffer.count, 0)
        guard count > 0 else { return }
        let numbers = String(decoding: buffer[0..<count], as: UTF8.self).split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
        guard numbers.count == 2, numbers[1] > 0, numbers[1] <= 4096 else { return }
        for uid in numbers[0]..<(numbers[0] + numbers[1]) {
            let lock = open("\(uidLockDirectory)/\(UIDBlock.lockFileName(uid))", O_RDWR | O_NOFOLLOW | O_CLOEXEC)
            guard lock >= 0 else { continue }
            // Claimed by a live runner: it killed what ran as this uid when it claimed it.
            if flock(lock, LOCK_EX | LOCK_NB) == 0 { ProcessSweep.killAll(ofUID: uid) }
            close(lock)
        }
    }

    /// Made more than a minute ago: no runner takes that long between its directory and its
    /// lock, nor between a run cgroup and its first process (`RunCgroups.sweepOrphans`).
    static func isOld(_ path: String) -> Bool {
        var status = stat()
        guard lstat(path, &status) == 0 else { return false }
        return time(nil) - status.st_mtim.tv_sec > 60
    }

    /// Creates `path` (0711) if missing, then insists that it is a real directory (not a
    /// symlink), owned by this process's user and writable by nobody else, inside a parent that
    /// nobody else can rename it out of.
    static func ensurePrivateDirectory(_ path: String) throws(SandboxError) {
        if mkdir(path, 0o711) != 0 && errno != EEXIST {
            throw .launchFailed("cannot create \(path): \(ChildProcess.errnoText())")
        }
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw .launchFailed("refusing \(path) as the sandbox directory: \(errno == ELOOP || errno == ENOTDIR ? "it is not a directory (a symlink?)" : ChildProcess.errnoText())")
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw .launchFailed("cannot inspect \(path): \(ChildProcess.errnoText())") }
        guard status.st_uid == geteuid() else {
            throw .launchFailed("refusing \(path) as the sandbox directory: it belongs to uid \(status.st_uid), not \(geteuid())")
        }
        if status.st_mode & 0o022 != 0 {
            // Ours: narrow it rather than refuse (a umask or an operator may have widened it).
            guard fchmod(descriptor, status.st_mode & 0o7755 & ~0o022) == 0 else {
                throw .launchFailed("cannot make \(path) writable by its owner only: \(ChildProcess.errnoText())")
            }
        }
        let parent = (path as NSString).deletingLastPathComponent
        var parentStatus = stat()
        guard lstat(parent.isEmpty ? "/" : parent, &parentStatus) == 0 else {
            throw .launchFailed("cannot inspect \(parent): \(ChildProcess.errnoText())")
        }
        let othersMayWrite = parentStatus.st_mode & 0o002 != 0, sticky = parentStatus.st_mode & 0o1000 != 0
        if othersMayWrite && !sticky {
            throw .launchFailed("refusing \(path) as the sandbox directory: anyone may rename entries of \(parent)")
        }
    }
}

import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A range of uids this process alone hands to its sandboxes. Cleanup kills every process of
/// a sandbox's uid, so two runners (two evaluators on one host, or tests running side by
/// side) must never share one: each uid is claimed with an exclusive `flock` on a lock file
/// of its own, held for the runner's lifetime and released by the kernel if the process dies.
final class UIDBlock: Sendable {
    let first: Int
    private let lockDescriptors: [Int32]

    /// Tries `base ..< base + size`, then the next `size` uids, ... and keeps the first range
    /// whose every uid is free, over `span` uids. Runners with blocks of different sizes
    /// fragment the range, so the span, not a count of attempts, bounds the search: with a
    /// fixed count, small blocks searched only the first few uids, found them taken, and fell
    /// back to uids another runner held (and killed its programs when claiming them).
    init?(base: Int, size: Int, lockDirectory: String, span: Int = 8192) {
        let attempts = max(1, span / max(1, size))
        // The default (`/run/selfheal/uid-locks`) is shared by every selfheal process on the
        // host, whichever state directory it uses: make its parent too, or a runner with a
        // state directory of its own would fall back to locks nobody else sees.
        let parent = (lockDirectory as NSString).deletingLastPathComponent
        if access(parent, F_OK) != 0 { try? SandboxStateDirectory.ensurePrivateDirectory(parent) }
        guard (try? SandboxStateDirectory.ensurePrivateDirectory(lockDirectory)) != nil else { return nil }
        for index in 0..<attempts {
            let first = base + index * size
            // Never nobody (65534) or the "no uid" value: other services run as nobody.
            if (first..<(first + size)).contains(where: { $0 == 65_534 || $0 == 65_535 }) { continue }
            var held: [Int32] = []
            for uid in first..<(first + size) {
                let descriptor = open("\(lockDirectory)/\(Self.lockFileName(uid))", O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600)
                guard descriptor >= 0 else { break }
                guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
                    close(descriptor)
                    break
                }
                held.append(descriptor)
            }
            if held.count == size {
                self.first = first
                lockDescriptors = held
                // A runner that held these uids and was killed (kill -9) can leave programs
                // running as them; they are this block's now, so nothing of theirs may stay.
                for uid in first..<(first + size) { ProcessSweep.killAll(ofUID: uid) }
                return
            }
            for descriptor in held { close(descriptor) }
            // The directory is not writable: no later attempt will do better.
            if held.isEmpty && access(lockDirectory, W_OK) != 0 { return nil }
        }
        return nil
    }

    static func lockFileName(_ uid: Int) -> String { "selfheal-sandbox-uid-\(uid).lock" }

    /// The block at `first` without a claim, for when no lock file can be made: sharing uids
    /// with another runner is still far better than running programs as root.
    init(unclaimed first: Int) {
        self.first = first
        lockDescriptors = []
    }

    deinit { for descriptor in lockDescriptors { close(descriptor) } }
}

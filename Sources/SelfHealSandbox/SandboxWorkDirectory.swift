import Foundation
import SelfHealCore
#if canImport(Glibc)
import Glibc
#endif

/// A fresh, private directory for one run, removed afterwards whatever the program left in it.
struct SandboxWorkDirectory {
    let path: String

    /// `owner`: the uid (and gid) the program runs as, so that it may write its own directory.
    init(root: String, owner: Int?) throws(SandboxError) {
        var template = Array("\(root)/job-XXXXXX".utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw .launchFailed("cannot create a directory in \(root): \(ChildProcess.errnoText())")
        }
        path = String(cString: made)
        if let owner, chown(path, uid_t(owner), gid_t(owner)) != 0 {
            let why = ChildProcess.errnoText()
            remove()
            throw .launchFailed("cannot hand \(path) to uid \(owner): \(why)")
        }
    }

    /// Writes a new file readable by the program (0644), never through a symlink. One open, write and close: Foundation's
    /// createFile writes a temporary file and renames it, several times the system calls, and a
    /// run writes up to four files.
    func write(_ name: String, contents: String) throws(SandboxError) {
        let file = "\(path)/\(name)"
        let descriptor = open(file, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw .launchFailed("cannot write \(file): \(ChildProcess.errnoText())") }
        defer { close(descriptor) }
        // umask may have narrowed the mode given to open.
        fchmod(descriptor, 0o644)
        var bytes = Array(contents.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { throw .launchFailed("cannot write \(file): \(ChildProcess.errnoText())") }
            bytes = bytes.dropFirst(written)
        }
    }

    /// The directory's own name (`job-XXXXXX`), unique among the runner's runs.
    var name: String { (path as NSString).lastPathComponent }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}

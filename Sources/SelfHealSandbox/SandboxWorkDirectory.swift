import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A fresh, private directory for one run, removed afterwards whatever the program left in it.
struct SandboxWorkDirectory {
    let path: String

    /// `owner`: the uid (and gid) the program runs as, so that it may write its own directory.
    init(root: String, owner: Int?) throws(SandboxError) {
        var template = Array("\(root)/selfheal-sandbox-XXXXXX".utf8CString)
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

    /// Writes a file the program can read but not replace.
    func write(_ name: String, contents: String) throws(SandboxError) {
        let file = "\(path)/\(name)"
        guard FileManager.default.createFile(atPath: file, contents: Data(contents.utf8), attributes: [.posixPermissions: 0o644]) else {
            throw .launchFailed("cannot write \(file)")
        }
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}

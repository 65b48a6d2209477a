#if canImport(Glibc)
import Glibc
#endif

/// A file beside the database that every selfheal process appends one byte to after it has
/// committed a change to the prompts (`<database>-prompts`), so that another process that
/// keeps the live prompt in memory (`LivePromptCache`) sees the change with one `stat` instead
/// of a query per request. Its size only grows (a byte per change; changes are rare: the
/// optimizer's or an operator's), so two changes within one tick of the file clock still
/// differ.
struct PromptChangeMarker: Sendable {
    let path: String

    /// What the file looks like now; nil when it does not exist (no change recorded yet).
    struct Stamp: Equatable, Sendable {
        var inode: UInt64, size: Int64, seconds: Int, nanoseconds: Int
    }

    func stamp() -> Stamp? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Stamp(
            inode: UInt64(info.st_ino), size: Int64(info.st_size),
            seconds: Int(info.st_mtim.tv_sec), nanoseconds: Int(info.st_mtim.tv_nsec)
        )
    }

    /// Records a change; returns why it could not (other processes then see it at their next
    /// periodic re-read), or nil.
    @discardableResult
    func touch() -> String? {
        let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o664)
        guard descriptor >= 0 else { return String(cString: strerror(errno)) }
        defer { close(descriptor) }
        var byte = UInt8(ascii: "\n")
        return write(descriptor, &byte, 1) == 1 ? nil : String(cString: strerror(errno))
    }
}

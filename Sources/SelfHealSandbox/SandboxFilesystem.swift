import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What a namespaced run sees of the host's files, worked out once at start: the interpreter
/// and its standard library (`/usr`, and `/bin`, `/lib`, ... as links into it or, on a host
/// without merged /usr, read-only too), the two files of /etc the dynamic loader and the clock
/// read, copied; nothing else of the host. Not the checkout, not the data directory, not /etc,
/// not /home or /root, not any socket under /run.
///
/// The read-only binds take the mounts below them along; the mount table says which: a
/// world-writable one gets an empty private tmpfs over it, every other one is made read-only
/// too, so nothing under the view is writable by the run.
struct SandboxFilesystem: Sendable, Equatable {
    var readOnly: [String]
    /// Top-level names that are links on the host (`/bin` -> `usr/bin`), recreated as links.
    var links: [String: String]
    var copies: [String]
    /// Mounts below `readOnly` made read-only in the view.
    var remount: [String]
    /// World-writable mounts below `readOnly`, hidden under an empty tmpfs.
    var masked: [String]

    static let topLevel = ["/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"]
    static let etcFiles = ["/etc/ld.so.cache", "/etc/localtime"]

    /// Reads the host's layout and mount table.
    static func scan(mountTable: [MountEntry] = MountEntry.table() ?? []) -> SandboxFilesystem {
        var view = SandboxFilesystem(readOnly: ["/usr"], links: [:], copies: [], remount: [], masked: [])
        for path in topLevel {
            var status = stat()
            guard lstat(path, &status) == 0 else { continue }
            if status.st_mode & S_IFMT == S_IFLNK, let target = try? FileManager.default.destinationOfSymbolicLink(atPath: path) {
                view.links[path] = target
            } else if status.st_mode & S_IFMT == S_IFDIR {
                view.readOnly.append(path)
            }
        }
        view.copies = etcFiles.filter { access($0, R_OK) == 0 }
        let mounts = mountTable.map(\.mountPoint)
        for mountPoint in Set(mounts).sorted() where view.readOnly.contains(where: { mountPoint.hasPrefix($0 + "/") }) {
            if isWorldWritable(mountPoint) {
                view.masked.append(mountPoint)
            } else {
                view.remount.append(mountPoint)
            }
        }
        return view
    }

    static func isWorldWritable(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0 && status.st_mode & S_IFMT == S_IFDIR && status.st_mode & 0o002 != 0
    }

    /// The jail's arguments for this view.
    var jailArguments: [String] {
        readOnly.map { "ro=\($0)" } + remount.map { "remount=\($0)" } + masked.map { "mask=\($0)" }
            + links.sorted(by: { $0.key < $1.key }).map { "link=\($0.key):\($0.value)" } + copies.map { "copy=\($0)" }
    }

    /// One line for `/health`.
    var summary: String {
        var parts = ["read-only " + (readOnly + copies).joined(separator: ", ")]
        parts.append("the run's own directory; private empty temporary directories")
        if !masked.isEmpty { parts.append("world-writable mounts hidden: " + masked.joined(separator: ", ")) }
        return parts.joined(separator: "; ")
    }
}

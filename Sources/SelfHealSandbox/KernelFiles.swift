import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Small files of /proc and /sys (the mount table, cgroup controls), read and written with
/// plain system calls: Foundation's file APIs stat first and mis-size files the kernel makes up.
enum KernelFile {
    static func read(_ path: String) -> String? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = Glibc.read(descriptor, &buffer, buffer.count)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            result += buffer[0..<count]
        }
        return String(decoding: result, as: UTF8.self)
    }

    @discardableResult
    static func write(_ value: String, to path: String) -> Bool {
        let descriptor = open(path, O_WRONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        let bytes = Array(value.utf8)
        return bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) } == bytes.count
    }
}

/// One line of /proc/self/mountinfo: where a filesystem is mounted, which part of it, how.
struct MountEntry: Sendable {
    let root: String
    let mountPoint: String
    let type: String
    let superOptions: [Substring]

    /// This process's mount table; nil when /proc cannot be read.
    static func table() -> [MountEntry]? {
        KernelFile.read("/proc/self/mountinfo").map { $0.split(separator: "\n").compactMap(MountEntry.init) }
    }

    init?(_ line: Substring) {
        let halves = line.split(separator: " - ", maxSplits: 1)
        guard halves.count == 2 else { return nil }
        let fields = halves[0].split(separator: " ")
        let tail = halves[1].split(separator: " ")
        guard fields.count >= 5, tail.count >= 3 else { return nil }
        root = MountEntry.unescape(fields[3])
        mountPoint = MountEntry.unescape(fields[4])
        type = String(tail[0])
        superOptions = tail[2].split(separator: ",")
    }

    /// mountinfo writes space, tab, newline and backslash as octal escapes.
    static func unescape(_ field: Substring) -> String {
        guard field.contains("\\") else { return String(field) }
        var bytes: [UInt8] = []
        var scalars = Array(field.utf8)[...]
        while let byte = scalars.popFirst() {
            if byte == UInt8(ascii: "\\"), scalars.count >= 3, let value = UInt8(String(decoding: scalars.prefix(3), as: UTF8.self), radix: 8) {
                bytes.append(value)
                scalars = scalars.dropFirst(3)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The directory of cgroup `path` (as /proc/self/cgroup names it) under this mount.
    func directory(of path: String) -> String? {
        guard path == root || path.hasPrefix(root == "/" ? "/" : root + "/") else { return nil }
        let relative = root == "/" ? path : String(path.dropFirst(root.count))
        return mountPoint + (relative == "/" ? "" : relative)
    }
}

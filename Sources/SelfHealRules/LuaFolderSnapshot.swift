import Foundation

/// The `.lua` files of a folder as read at one moment, with a content hash. The hash is the
/// version operators see in `/health` and in every execution log, so it depends on file
/// names and contents only, never on timestamps: a ConfigMap that swaps its `..data`
/// symlink to identical content is no change at all.
public struct LuaFolderSnapshot: Sendable, Equatable {
    public struct File: Sendable, Equatable {
        /// The file name, e.g. `has_docstring.lua`.
        public var name: String
        /// The path used in error messages, e.g. `rules/has_docstring.lua`.
        public var path: String
        public var source: String
    }

    public var directory: String
    /// Sorted by name, so loading order (and so result order) is stable.
    public var files: [File]
    public var version: String

    /// Reads every visible `*.lua` file, following symlinks (ConfigMaps mount each file as a
    /// symlink into `..data/`). Hidden entries such as `..data` itself are skipped.
    public static func read(directory: String) throws -> LuaFolderSnapshot {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw LuaFolderError(path: directory, message: "not a readable directory")
        }
        let base = directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        let names = try manager.contentsOfDirectory(atPath: directory)
            .filter { $0.hasSuffix(".lua") && !$0.hasPrefix(".") }
            .sorted()
        var files: [File] = []
        var hash = FNV1a64()
        for name in names {
            let path = base + "/" + name
            guard let data = manager.contents(atPath: path) else {
                throw LuaFolderError(path: path, message: "cannot be read")
            }
            guard let source = String(data: data, encoding: .utf8) else {
                throw LuaFolderError(path: path, message: "is not UTF-8 text")
            }
            hash.add(name)
            hash.add(data)
            files.append(File(name: name, path: path, source: source))
        }
        return LuaFolderSnapshot(directory: base, files: files, version: hash.hex)
    }
}

/// A folder or file that could not be read.
public struct LuaFolderError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var message: String
    public var description: String { "\(path): \(message)" }
}

/// 64-bit FNV-1a: fast, dependency-free, and plenty to tell two rule sets apart.
/// Each part is followed by a zero byte, so ("ab", "c") and ("a", "bc") hash apart.
struct FNV1a64 {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    /// Reads the bytes in place: the folder is hashed four times a second while the service
    /// runs, and going through `Data`'s generic iterator cost ~50 instructions a byte.
    mutating func add(_ data: Data) {
        data.withUnsafeBytes { add($0) }
    }

    mutating func add(_ text: String) {
        var text = text
        text.withUTF8 { add(UnsafeRawBufferPointer($0)) }
    }

    private mutating func add(_ bytes: UnsafeRawBufferPointer) {
        var value = self.value
        for byte in bytes {
            value ^= UInt64(byte)
            value &*= 0x0000_0100_0000_01b3
        }
        // The closing zero byte: its xor changes nothing, its multiply remains.
        value &*= 0x0000_0100_0000_01b3
        self.value = value
    }

    var hex: String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}

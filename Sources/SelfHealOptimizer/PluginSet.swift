import Foundation
import SelfHealLua
import SelfHealRules
import Synchronization

/// One loaded, validated `plugins/` folder: a Lua state and the entries its files returned.
/// Plugins are called a few times per optimizer pass, so one state behind a lock is enough;
/// a reload builds a new set and in-flight calls finish on the old one.
final class PluginSet: LoadedLuaSet {
    /// What a plugin entry must be: a function, or a number (or a function of the task type giving one).
    enum Shape: Sendable {
        case function
        case number(ClosedRange<Double>)
    }

    /// Every entry the optimizer reads, with its shape. Each must be defined in exactly one file.
    static let entries: [String: Shape] = [
        "lease_seconds": .number(1...86_400),
        "log_limit": .number(1...100_000),
        "evidence_limit": .number(1...1000),
        "window_minutes": .number(0...525_600),
        "trigger": .function,
        "cooldown_minutes": .number(0...525_600),
        "canary_share": .number(0...1),
        "min_samples": .number(0...1_000_000),
        "decide_canary": .function,
        "regression_window_minutes": .number(0...525_600),
        "regressed": .function,
        "diagnose": .function,
        "replay_failing": .number(0...100),
        "replay_passing": .number(0...100),
        "replay_verdict": .function,
    ]

    struct Entry: Sendable {
        var value: LuaValue
        /// The file that defined it, for error messages.
        var file: String
    }

    let version: String
    let loadedAt: Date
    let limits: LuaLimits
    /// `@unchecked Sendable` state, used only under `lock`.
    private let state: LuaState
    private let lock = Mutex<Void>(())
    let values: [String: Entry]
    /// Per task type, the share the worker asks for on every request: computed once per set.
    let shareCache = Mutex<[String: Double]>([:])

    private init(version: String, limits: LuaLimits, state: LuaState, values: [String: Entry]) {
        self.version = version
        self.loadedAt = Date()
        self.limits = limits
        self.state = state
        self.values = values
    }

    /// Runs every file in one fresh state and checks the entries; all problems are reported together.
    static func load(_ snapshot: LuaFolderSnapshot, limits: LuaLimits) -> Result<PluginSet, PluginLoadError> {
        let state: LuaState
        do {
            state = try LuaState(limits: limits)
        } catch {
            return .failure(PluginLoadError(problems: [PluginError(file: snapshot.directory, message: error.description)]))
        }
        var problems: [PluginError] = []
        var values: [String: Entry] = [:]
        // Names some file defined, valid or not: a bad definition is reported once, not also as missing.
        var defined = Set<String>()
        // A file that did not run may hold the missing entries: then "missing" would only be noise.
        var everyFileRan = true
        for file in snapshot.files {
            let result: LuaValue
            do {
                result = try state.loadChunk(file.source, name: file.path, depth: 1)
            } catch {
                problems.append(PluginError(file: file.path, line: error.line ?? 1, message: error.line == nil ? error.description : Self.stripLocation(error.message)))
                everyFileRan = false
                continue
            }
            guard let table = result.tableValue else {
                problems.append(PluginError(file: file.path, line: 1, message: "must return a table of plugin entries, not a \(result.typeName)"))
                everyFileRan = false
                continue
            }
            for (name, value) in table.fields.sorted(by: { $0.key < $1.key }) {
                let line = Self.line(defining: name, in: file.source)
                defined.insert(name)
                guard let shape = entries[name] else {
                    problems.append(PluginError(file: file.path, line: line, message: "unknown plugin entry '\(name)'; known: \(entries.keys.sorted().joined(separator: ", "))"))
                    continue
                }
                if let earlier = values[name] {
                    problems.append(PluginError(file: file.path, line: line, message: "'\(name)' is already defined in \(earlier.file)"))
                    continue
                }
                if let problem = check(name, value, shape) {
                    problems.append(PluginError(file: file.path, line: line, message: problem))
                    continue
                }
                values[name] = Entry(value: value, file: file.path)
            }
        }
        for name in entries.keys.sorted() where everyFileRan && !defined.contains(name) {
            problems.append(PluginError(file: snapshot.directory, message: "no file defines the plugin entry '\(name)'"))
        }
        guard problems.isEmpty else { return .failure(PluginLoadError(problems: problems)) }
        return .success(PluginSet(version: snapshot.version, limits: limits, state: state, values: values))
    }

    private static func check(_ name: String, _ value: LuaValue, _ shape: Shape) -> String? {
        switch (shape, value) {
        case (.function, .function), (.number, .function):
            return nil
        case (.number(let range), _):
            guard let number = value.doubleValue else { return "'\(name)' must be a number or a function, not a \(value.typeName)" }
            return range.contains(number) ? nil : "'\(name)' must be within \(range.lowerBound)...\(range.upperBound), not \(number)"
        case (.function, _):
            return "'\(name)' must be a function, not a \(value.typeName)"
        }
    }

    /// Calls an entry that is a function with `arguments`; a plain value is returned as is.
    func call(_ name: String, _ arguments: [LuaValue], maxResults: Int, depth: Int = 2) throws(PluginError) -> [LuaValue] {
        guard let entry = values[name] else { throw PluginError(entry: name, message: "plugin '\(name)' is not defined") }
        guard case .function(let function) = entry.value else { return [entry.value] }
        do {
            return try lock.withLock { _ throws(LuaError) in
                try state.call(function, arguments: arguments, maxResults: maxResults, depth: depth, chunk: entry.file)
            }
        } catch {
            throw PluginError.call(name, error)
        }
    }

    /// A number entry, or the number its function returns for `taskType`, checked against its range.
    func number(_ name: String, taskType: String) throws(PluginError) -> Double {
        let result = try call(name, [.string(taskType)], maxResults: 1)
        guard let number = result.first?.doubleValue, number.isFinite else {
            throw PluginError.badResult(name, "\(result.first?.typeName ?? "nothing") where a number was expected")
        }
        if case .number(let range)? = Self.entries[name], !range.contains(number) {
            throw PluginError.badResult(name, "\(number), outside \(range.lowerBound)...\(range.upperBound)")
        }
        return number
    }

    /// Lua's message without its own `file:line:` prefix, which `PluginError` prints already.
    private static func stripLocation(_ message: String) -> String {
        guard let range = message.range(of: #"^[^:]+:\d+: "#, options: .regularExpression) else { return message }
        return String(message[range.upperBound...])
    }

    /// The line of `name = ` in a file, so a bad entry's error points at it; 1 when not found.
    static func line(defining name: String, in source: String) -> Int {
        for (index, line) in source.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            guard trimmed.hasPrefix(name) else { continue }
            let rest = trimmed.dropFirst(name.count).drop { $0 == " " || $0 == "\t" }
            if rest.hasPrefix("=") && !rest.hasPrefix("==") { return index + 1 }
        }
        return 1
    }
}

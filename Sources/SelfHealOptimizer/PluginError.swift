import SelfHealLua

/// Why `plugins/` was refused at load, or why one plugin call gave no usable answer.
/// Load problems name file and line so an operator can go straight to them.
public struct PluginError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The entry whose call failed; nil for load problems.
    public var entry: String?
    public var file: String?
    public var line: Int?
    public var message: String

    public init(entry: String? = nil, file: String? = nil, line: Int? = nil, message: String) {
        self.entry = entry
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String {
        switch (file, line) {
        case let (file?, line?): "\(file):\(line): \(message)"
        case let (file?, nil): "\(file): \(message)"
        default: message
        }
    }

    /// A Lua failure while calling `entry`: budget and memory errors say so in words, since
    /// Lua's own message for them carries no location.
    static func call(_ entry: String, _ error: LuaError) -> PluginError {
        let what: String
        switch error.kind {
        case .budgetExceeded: what = "ran out of its instruction budget"
        case .libraryStepsExceeded: what = "ran out of its string-library step budget"
        case .memoryExceeded: what = "exceeded its memory cap"
        case .timeLimitExceeded: what = "ran past its wall-clock limit"
        default: what = "failed: \(error.message)"
        }
        return PluginError(entry: entry, message: "plugin '\(entry)' \(what)")
    }

    static func badResult(_ entry: String, _ message: String) -> PluginError {
        PluginError(entry: entry, message: "plugin '\(entry)' returned \(message)")
    }
}

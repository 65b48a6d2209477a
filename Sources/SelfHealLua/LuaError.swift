/// Why a call into Lua did not produce a value.
public struct LuaError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The source does not compile (or is a binary chunk).
        case syntax
        /// The script raised an error.
        case runtime
        /// The instruction budget ran out.
        case budgetExceeded
        /// The string library's step budget (the work inside pattern functions and
        /// `string.rep`, which no instruction count sees) ran out.
        case libraryStepsExceeded
        /// The call ran past its wall-clock limit.
        case timeLimitExceeded
        /// The memory cap was reached.
        case memoryExceeded
        /// The script returned something of the wrong shape.
        case invalidResult
        /// The Lua state itself could not be created.
        case stateCreation
    }

    public var kind: Kind
    /// Lua's own message, usually starting with `file:line:`.
    public var message: String
    /// The file the error points into, when Lua's message names one.
    public var file: String?
    /// The line the error points at, when Lua's message names one.
    public var line: Int?

    public init(kind: Kind, message: String, file: String? = nil, line: Int? = nil) {
        self.kind = kind
        self.message = message
        self.file = file
        self.line = line
    }

    public var description: String {
        switch kind {
        case .budgetExceeded: return "instruction budget exceeded"
        case .libraryStepsExceeded: return "string-library step budget exceeded"
        case .timeLimitExceeded: return "wall-clock limit exceeded"
        case .memoryExceeded: return "memory cap exceeded"
        default: return message
        }
    }

    /// Reads `chunk:LINE:` from the front of a Lua message, as Lua writes it for `@chunk` names.
    static func located(kind: Kind, message: String, chunk: String) -> LuaError {
        var error = LuaError(kind: kind, message: message)
        let prefix = chunk + ":"
        guard message.hasPrefix(prefix) else { return error }
        let digits = message.dropFirst(prefix.count).prefix(while: \.isNumber)
        if let line = Int(digits) {
            error.file = chunk
            error.line = line
        }
        return error
    }
}

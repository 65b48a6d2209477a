/// A Lua value copied out of a state into Swift. Functions stay in the state: they are
/// represented by a registry reference that is only meaningful to the state that made it.
public enum LuaValue: Sendable, Equatable {
    case `nil`
    case boolean(Bool)
    case integer(Int)
    case number(Double)
    case string(String)
    case table(LuaTable)
    case function(LuaFunction)
    /// userdata, threads, or tables nested deeper than the copy goes.
    case other(typeName: String)

    public var typeName: String {
        switch self {
        case .nil: "nil"
        case .boolean: "boolean"
        case .integer, .number: "number"
        case .string: "string"
        case .table: "table"
        case .function: "function"
        case .other(let name): name
        }
    }

    public var doubleValue: Double? {
        switch self {
        case .integer(let i): Double(i)
        case .number(let d): d
        default: nil
        }
    }

    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    public var tableValue: LuaTable? {
        if case .table(let t) = self { return t }
        return nil
    }
}

/// A Lua table copied into Swift: string keys in `fields`, the sequence 1...n in `array`.
/// Keys of any other type are dropped.
public struct LuaTable: Sendable, Equatable {
    public var fields: [String: LuaValue]
    public var array: [LuaValue]

    public init(fields: [String: LuaValue] = [:], array: [LuaValue] = []) {
        self.fields = fields
        self.array = array
    }

    public subscript(key: String) -> LuaValue {
        fields[key] ?? .nil
    }
}

/// A function left inside a state, with where it was defined.
public struct LuaFunction: Sendable, Equatable {
    public let ref: LuaRef
    /// Line of the `function` keyword in its chunk; nil for C functions.
    public let line: Int?
}

/// A registry slot of one particular `LuaState`.
public struct LuaRef: Sendable, Hashable {
    let id: Int32
}

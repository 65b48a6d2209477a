import CLua
import CLuaSandbox

/// The keys of a table handed afresh to many calls: named fields, and named tables of named
/// fields one level down. A caller declares it once (a `static let`) and fills it per use.
///
/// Each call gets its copy built from the shape, kept once per state as a table of key
/// strings, by a C function (`lsb_push_call_with_copy`) that inserts each key once into a
/// table sized for it: no walk of the original with a shape worked out again per table (for
/// a rule's `ctx` that walk was a tenth of a request's work), and no Lua constructor, whose
/// sixty-odd VM instructions each paid the count hook.
public final class LuaTableShape: Sendable {
    public struct Table: Sendable {
        public var name: String
        public var fields: [String]

        public init(_ name: String, fields: [String]) {
            self.name = name
            self.fields = fields
        }
    }

    public let fields: [String]
    public let tables: [Table]

    /// Every name ASCII letters, digits and `_`, not starting with a digit, unique in its table.
    public init(fields: [String], tables: [Table] = []) {
        let top = fields + tables.map(\.name)
        precondition(top.allSatisfy(Self.isName) && Set(top).count == top.count, "field names must be unique identifiers")
        for table in tables {
            precondition(table.fields.allSatisfy(Self.isName) && Set(table.fields).count == table.fields.count, "field names must be unique identifiers")
        }
        self.fields = fields
        self.tables = tables
    }

    static func isName(_ key: String) -> Bool {
        guard let first = key.utf8.first, !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first), key.utf8.count <= 64 else { return false }
        return key.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "_")
        }
    }
}

/// A table kept in a state for many calls, each of which gets a fresh copy two levels deep:
/// a callee may change its copy in any way (set, add, remove fields, give it a metatable)
/// and the next callee still sees the original.
public struct LuaTemplate: Sendable {
    /// With shape keys: the values in the shape's order, each table one level down as a
    /// sequence of its values (nil when absent). Without: the table itself, copied by walking.
    let values: LuaRef
    /// The shape's keys (the layout `lsb_push_call_with_copy` reads), held by this template's
    /// own registry slot; nil for a template copied by walking.
    let keys: LuaRef?
}

extension LuaState {
    /// Stores a table of `shape` for `call(_:withCopyOf:)`: `fields[i]` is the value of
    /// `shape.fields[i]`, `tables[j]` the values of `shape.tables[j]`'s fields (nil: no such
    /// table). A nil value leaves its key out. Free it with `release(_:)`.
    public func makeTemplate(_ shape: LuaTableShape, fields: [LuaValue], tables: [[LuaValue]?]) -> LuaTemplate {
        precondition(fields.count == shape.fields.count && tables.count == shape.tables.count, "values do not match the shape")
        for (index, table) in tables.enumerated() {
            precondition(table == nil || table?.count == shape.tables[index].fields.count, "values do not match the shape")
        }
        // A table in a plain field would reach every callee as the same table: copy it by walking.
        let holdsTable = fields.contains { if case .table = $0 { true } else { false } }
        guard !holdsTable else {
            var table = LuaTable()
            for (name, value) in zip(shape.fields, fields) { table.fields[name] = value }
            for (nested, values) in zip(shape.tables, tables) {
                guard let values else { continue }
                table.fields[nested.name] = .table(LuaTable(fields: Dictionary(uniqueKeysWithValues: zip(nested.fields, values))))
            }
            return makeTemplate(table)
        }
        _ = lua_checkstack(L, 8)
        lua_createtable(L, Int32(fields.count + tables.count), 0)
        for (index, value) in fields.enumerated() {
            push(value, depth: 1)
            lua_rawseti(L, -2, lua_Integer(index + 1))
        }
        for (index, table) in tables.enumerated() {
            guard let table else { continue }
            lua_createtable(L, Int32(table.count), 0)
            for (position, value) in table.enumerated() {
                push(value, depth: 2)
                lua_rawseti(L, -2, lua_Integer(position + 1))
            }
            lua_rawseti(L, -2, lua_Integer(fields.count + index + 1))
        }
        let values = LuaRef(id: shim_ref(L))
        let keys = keys(for: shape)
        // The template holds the shape by a slot of its own: the cache may free its slot
        // (and Lua hand it to something else) while this template is still in use.
        _ = shim_getref(L, keys.id)
        return LuaTemplate(values: values, keys: LuaRef(id: shim_ref(L)))
    }

    /// Stores any table, copied for each call by walking it (two levels deep).
    public func makeTemplate(_ table: LuaTable) -> LuaTemplate {
        LuaTemplate(values: makeTable(table), keys: nil)
    }

    /// Frees a template's values and its hold on the shape, which stays cached for the next
    /// table of its shape.
    public func release(_ template: LuaTemplate) {
        release(template.values)
        if let keys = template.keys { release(keys) }
    }

    /// Calls `function` with a fresh copy of `template` within the limits (a built copy counts
    /// against the callee's memory cap: under a kilobyte for a rule's `ctx`); returns at most
    /// `maxResults` results. `wallClock`, when given, replaces the limits' wall clock for this
    /// call if it is shorter.
    public func call(
        _ function: LuaFunction, withCopyOf template: LuaTemplate, maxResults: Int = 2, wallClock: Duration? = nil, chunk: String
    ) throws(LuaError) -> [LuaValue] {
        guard let keys = template.keys else {
            return try call(function, withWalkedCopyOf: template.values, maxResults: maxResults, wallClock: wallClock, chunk: chunk)
        }
        // The C copier is what runs: it builds the copy and calls `function` with it. A C frame
        // has no line, so the callee's `error(message, 2)` blames no code of ours.
        return try boundedCall(room: 3, maxResults: maxResults, depth: 1, wallClock: wallClock, chunk: chunk) {
            lsb_push_call_with_copy(L)
            _ = shim_getref(L, function.ref.id)
            _ = shim_getref(L, template.values.id)
            _ = shim_getref(L, keys.id)
            return 3
        }
    }

    /// The state's table of `shape`'s keys, made on first use. The cache holds the shape
    /// itself, so its identity cannot pass to another shape; a caller making ever new shapes
    /// empties it now and then rather than growing it.
    private func keys(for shape: LuaTableShape) -> LuaRef {
        let key = ObjectIdentifier(shape)
        if let cached = templateKeys[key] { return cached.keys }
        if templateKeys.count >= Self.maxTemplateShapes {
            for entry in templateKeys.values { release(entry.keys) }
            templateKeys.removeAll()
        }
        // { "field", ..., { "table", "field", ... }, ... }: the layout template_copy.c reads.
        _ = lua_checkstack(L, 4)
        lua_createtable(L, Int32(shape.fields.count + shape.tables.count), 0)
        for (index, name) in shape.fields.enumerated() {
            push(.string(name), depth: 0)
            lua_rawseti(L, -2, lua_Integer(index + 1))
        }
        for (index, table) in shape.tables.enumerated() {
            lua_createtable(L, Int32(table.fields.count + 1), 0)
            for (position, name) in ([table.name] + table.fields).enumerated() {
                push(.string(name), depth: 0)
                lua_rawseti(L, -2, lua_Integer(position + 1))
            }
            lua_rawseti(L, -2, lua_Integer(shape.fields.count + index + 1))
        }
        let ref = LuaRef(id: shim_ref(L))
        templateKeys[key] = (shape, ref)
        return ref
    }

    static let maxTemplateShapes = 32
}

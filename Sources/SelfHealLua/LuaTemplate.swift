import CLua

/// The keys of a table handed afresh to many calls: named fields, and named tables of named
/// fields one level down. A caller declares it once (a `static let`) and fills it per use.
///
/// Each call gets its copy from a table constructor compiled once per state for the shape,
/// so a copy costs the VM one constructor instead of a walk of the original through the C
/// API and a shape worked out again per table. For a rule's `ctx` the walk was a tenth of a
/// request's work.
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
    /// `return function(callee, v) return callee({ ["a"] = v[1], ["t"] = v[2] and { ["x"] = v[2][1] } or nil }) end`:
    /// no locals (a function may have only 200), and a tail call, so the callee's
    /// `error(message, 2)` blames no Lua frame of ours.
    let constructorSource: String

    /// Every name ASCII letters, digits and `_`, not starting with a digit, unique in its table.
    public init(fields: [String], tables: [Table] = []) {
        let top = fields + tables.map(\.name)
        precondition(top.allSatisfy(Self.isName) && Set(top).count == top.count, "field names must be unique identifiers")
        for table in tables {
            precondition(table.fields.allSatisfy(Self.isName) && Set(table.fields).count == table.fields.count, "field names must be unique identifiers")
        }
        self.fields = fields
        self.tables = tables
        var parts = fields.enumerated().map { "[\"\($0.element)\"] = v[\($0.offset + 1)]" }
        for (index, table) in tables.enumerated() {
            let slot = "v[\(fields.count + index + 1)]"
            let inner = table.fields.enumerated().map { "[\"\($0.element)\"] = \(slot)[\($0.offset + 1)]" }
            parts.append("[\"\(table.name)\"] = \(slot) and {\(inner.joined(separator: ", "))} or nil")
        }
        constructorSource = "return function(callee, v) return callee({\(parts.joined(separator: ", "))}) end"
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
    /// With a builder: the values in the shape's order, each table one level down as a
    /// sequence of its values (nil when absent). Without: the table itself, copied by walking.
    let values: LuaRef
    /// The shape's constructor, held by this template's own registry slot.
    let builder: LuaRef?
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
        guard !holdsTable, let builder = builder(for: shape) else {
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
        // The template holds the constructor by a slot of its own: the cache may free its slot
        // (and Lua hand it to something else) while this template is still in use.
        _ = shim_getref(L, builder.id)
        return LuaTemplate(values: values, builder: LuaRef(id: shim_ref(L)))
    }

    /// Stores any table, copied for each call by walking it (two levels deep).
    public func makeTemplate(_ table: LuaTable) -> LuaTemplate {
        LuaTemplate(values: makeTable(table), builder: nil)
    }

    /// Frees a template's values and its hold on the constructor, which stays cached for the
    /// next table of its shape.
    public func release(_ template: LuaTemplate) {
        release(template.values)
        if let builder = template.builder { release(builder) }
    }

    /// Calls `function` with a fresh copy of `template` within the limits (a constructed copy
    /// is built inside them: ~30 VM instructions and under a kilobyte of the callee's budget
    /// and memory cap); returns at most `maxResults` results. `wallClock`, when given,
    /// replaces the limits' wall clock for this call if it is shorter.
    public func call(
        _ function: LuaFunction, withCopyOf template: LuaTemplate, maxResults: Int = 2, wallClock: Duration? = nil, chunk: String
    ) throws(LuaError) -> [LuaValue] {
        guard let builder = template.builder else {
            return try call(function, withWalkedCopyOf: template.values, maxResults: maxResults, wallClock: wallClock, chunk: chunk)
        }
        // The constructor is what runs: it builds the copy and tail-calls `function` with it.
        return try boundedCall(room: 2, maxResults: maxResults, depth: 1, wallClock: wallClock, chunk: chunk) {
            _ = shim_getref(L, builder.id)
            _ = shim_getref(L, function.ref.id)
            _ = shim_getref(L, template.values.id)
            return 2
        }
    }

    /// The state's constructor for `shape`, compiled on first use. The cache holds the shape
    /// itself, so its identity cannot pass to another shape; a caller making ever new shapes
    /// empties it now and then rather than growing it.
    private func builder(for shape: LuaTableShape) -> LuaRef? {
        let key = ObjectIdentifier(shape)
        if let cached = templateBuilders[key] { return cached.builder }
        if templateBuilders.count >= Self.maxTemplateShapes {
            for entry in templateBuilders.values { release(entry.builder) }
            templateBuilders.removeAll()
        }
        let top = lua_gettop(L)
        defer { lua_settop(L, top) }
        let source = shape.constructorSource
        let status = source.withCString { shim_loadtext(L, $0, source.utf8.count, "=template") }
        // Our own code over checked names: it fails only if memory runs out, and then the
        // walking copy is all that is lost.
        guard status == LUA_OK, shim_pcall(L, 0, 1) == LUA_OK, lua_type(L, -1) == LUA_TFUNCTION else { return nil }
        let ref = LuaRef(id: shim_ref(L))
        templateBuilders[key] = (shape, ref)
        return ref
    }

    static let maxTemplateShapes = 32
}

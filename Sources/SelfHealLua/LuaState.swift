import CLua
import CLuaSandbox

/// Owns one sandboxed `lua_State` and the allocator bookkeeping that caps its memory.
///
/// `@unchecked Sendable` because a Lua state is not thread-safe, yet must move between
/// threads: callers guarantee one user at a time (the rules engine checks states out of a
/// pool and back in). Every call into Lua that can raise an error goes through `lua_pcall`;
/// the calls made outside it run with the memory cap lifted, so they cannot fail.
public final class LuaState: @unchecked Sendable {
    let L: OpaquePointer
    let limits: UnsafeMutablePointer<LuaSandboxLimits>
    public let luaLimits: LuaLimits
    private let makeEnvironment: Int32
    private let freezeEnvironment: Int32
    /// `LuaTemplate` shapes (their keys as a table), one per shape of table, made once.
    var templateKeys: [ObjectIdentifier: (shape: LuaTableShape, keys: LuaRef)] = [:]

    public init(limits: LuaLimits = .default) throws(LuaError) {
        self.luaLimits = limits
        self.limits = .allocate(capacity: 1)
        self.limits.initialize(to: LuaSandboxLimits())
        self.limits.pointee.limit = .max
        guard let state = lsb_newstate(self.limits) else {
            self.limits.deallocate()
            throw LuaError(kind: .stateCreation, message: "could not create a Lua state")
        }
        self.L = state
        shim_open_sandbox_libs(state)
        shim_gc_generational(state)
        // Before the prelude copies the string library: every copy, and the methods strings
        // reach through their metatable, get the bounded functions.
        _ = lua_getglobal(state, LUA_STRLIBNAME)
        lsb_install_bounded_string_functions(state)
        shim_pop(state, 1)
        let status = LuaSandbox.prelude.withCString { shim_loadtext(state, $0, LuaSandbox.prelude.utf8.count, "=sandbox") }
        guard status == LUA_OK, shim_pcall(state, 0, 2) == LUA_OK else {
            let message = Self.message(state, at: -1)
            lsb_close(state)
            self.limits.deallocate()
            throw LuaError(kind: .stateCreation, message: "sandbox prelude failed: \(message)")
        }
        self.freezeEnvironment = shim_ref(state)
        self.makeEnvironment = shim_ref(state)
    }

    deinit {
        lsb_close(L)
        limits.deallocate()
    }

    /// Bytes the state holds now.
    public var memoryInUse: Int { Int(limits.pointee.used) }

    /// Compiles `source` as text (binary chunks are refused), runs it in a fresh sandboxed
    /// global table within the limits, freezes that table, and returns the chunk's first
    /// result. `name` appears in error messages as `name:line:`; tables in the result are
    /// copied `depth` levels down.
    public func loadChunk(_ source: String, name: String, depth: Int = 3) throws(LuaError) -> LuaValue {
        let top = lua_gettop(L)
        defer { lua_settop(L, top) }
        var text = source
        let status = text.withUTF8 { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                shim_loadtext(L, chars.baseAddress, chars.count, "@" + name)
            }
        }
        guard status == LUA_OK else {
            throw LuaError.located(kind: .syntax, message: Self.message(L, at: -1), chunk: name)
        }
        // The chunk's first upvalue is its _ENV: point it at a table of its own.
        _ = shim_getref(L, makeEnvironment)
        try trustedCall(nargs: 0, nresults: 1)
        lua_pushvalue(L, -1)
        _ = lua_setupvalue(L, -3, 1)
        lua_rotate(L, -2, 1) // env below the chunk, kept for freezing
        try protectedCall(nargs: 0, nresults: 1, chunk: name)
        let result = value(at: -1, depth: depth)
        // Freeze the globals and everything the file built that its functions can reach, so
        // no call can leave state behind for the next one.
        _ = shim_getref(L, freezeEnvironment)
        lua_pushvalue(L, -3)
        lua_pushvalue(L, -3)
        // Bounded like the file itself: a file that built a huge structure pays for its walk.
        try protectedCall(nargs: 2, nresults: 0, chunk: name)
        return result
    }

    /// Stores a Swift table in the state for later calls.
    func makeTable(_ table: LuaTable) -> LuaRef {
        push(.table(table), depth: 0)
        return LuaRef(id: shim_ref(L))
    }

    /// Calls `function` with a fresh copy of `table` (two levels deep, so the callee cannot
    /// change what the next callee sees), made by walking `table`, within the limits; returns at
    /// most `maxResults` results. For the tables a `LuaTableShape` cannot express.
    func call(
        _ function: LuaFunction, withWalkedCopyOf table: LuaRef, maxResults: Int, wallClock: Duration?, chunk: String
    ) throws(LuaError) -> [LuaValue] {
        try boundedCall(room: 2, maxResults: maxResults, depth: 1, wallClock: wallClock, chunk: chunk) {
            _ = shim_getref(L, function.ref.id)
            _ = shim_getref(L, table.id)
            shim_copy_table2(L, -1)
            lua_rotate(L, -2, 1)
            shim_pop(L, 1)
            return 1
        }
    }

    /// Calls `function` with Swift values (tables are built fresh for the call) within the
    /// limits; returns at most `maxResults` results, tables copied `depth` levels down.
    /// For callers that call rarely, such as the optimizer's plugins.
    public func call(_ function: LuaFunction, arguments: [LuaValue], maxResults: Int = 1, depth: Int = 3, chunk: String) throws(LuaError) -> [LuaValue] {
        try boundedCall(room: arguments.count, maxResults: maxResults, depth: depth, chunk: chunk) {
            _ = shim_getref(L, function.ref.id)
            for argument in arguments { push(argument, depth: 0) }
            return Int32(arguments.count)
        }
    }

    /// The one way a call runs: `push` pushes a function and its arguments (at most `room` +
    /// 1 slots) and says how many arguments; the call runs within the limits; at most
    /// `maxResults` results come back, tables copied `depth` levels down; the stack is left as
    /// it was found.
    func boundedCall(
        room: Int, maxResults: Int, depth: Int, wallClock: Duration? = nil, chunk: String, push: () -> Int32
    ) throws(LuaError) -> [LuaValue] {
        let top = lua_gettop(L)
        defer { lua_settop(L, top) }
        _ = lua_checkstack(L, Int32(room + maxResults) + 8)
        let nargs = push()
        try protectedCall(nargs: nargs, nresults: Int32(maxResults), wallClock: wallClock, chunk: chunk)
        return (0..<maxResults).map { value(at: top + 1 + Int32($0), depth: depth) }
    }

    /// Frees a registry slot made by this state.
    public func release(_ ref: LuaRef) {
        shim_unref(L, ref.id)
    }

    // MARK: - Protected calls

    /// Runs the function below `nargs` arguments with every bound armed: instructions,
    /// library steps, wall clock, memory.
    private func protectedCall(nargs: Int32, nresults: Int32, wallClock: Duration? = nil, chunk: String) throws(LuaError) {
        let used = limits.pointee.used
        let cap = luaLimits.memoryBytes
        limits.pointee.limit = used > .max - cap ? .max : used + cap
        var wallNanoseconds = luaLimits.wallClockNanoseconds
        if let wallClock, wallClock < luaLimits.wallClock {
            // At least 1 ns: 0 would mean no deadline at all.
            wallNanoseconds = max(1, LuaLimits.nanoseconds(wallClock))
        }
        lsb_arm(L, Int64(luaLimits.instructionBudget), Int64(luaLimits.librarySteps), wallNanoseconds)
        let status = shim_pcall(L, nargs, nresults)
        lsb_disarm(L)
        limits.pointee.limit = .max
        let stopped = limits.pointee.stopped
        guard status != LUA_OK || stopped != Int32(LSB_STOP_NONE) else { return }
        guard status != LUA_OK else { throw LuaError(kind: Self.kind(stoppedBy: stopped), message: "stopped") }
        let message = Self.message(L, at: -1)
        shim_pop(L, 1)
        // Whatever a script made of the error on its way out, the bound that stopped it decides.
        if stopped != Int32(LSB_STOP_NONE) {
            throw LuaError(kind: Self.kind(stoppedBy: stopped), message: message)
        }
        if status == LUA_ERRMEM {
            shim_gc_collect(L)
            throw LuaError(kind: .memoryExceeded, message: message)
        }
        throw LuaError.located(kind: .runtime, message: message, chunk: chunk)
    }

    /// The error kind of the bound that stopped a call (`LSB_STOP_*`, not `LSB_STOP_NONE`).
    private static func kind(stoppedBy stopped: Int32) -> LuaError.Kind {
        switch stopped {
        case Int32(LSB_STOP_WALL_CLOCK): .timeLimitExceeded
        case Int32(LSB_STOP_LIBRARY_STEPS): .libraryStepsExceeded
        default: .budgetExceeded
        }
    }

    /// Runs the sandbox's own functions: no budget, and a failure is a bug worth reporting.
    private func trustedCall(nargs: Int32, nresults: Int32) throws(LuaError) {
        guard shim_pcall(L, nargs, nresults) == LUA_OK else {
            let message = Self.message(L, at: -1)
            shim_pop(L, 1)
            throw LuaError(kind: .runtime, message: "sandbox: \(message)")
        }
    }

    static func message(_ L: OpaquePointer, at index: Int32) -> String {
        let type = lua_type(L, index)
        guard type == LUA_TSTRING || type == LUA_TNUMBER else {
            return "(error object is a \(String(cString: lua_typename(L, type))) value)"
        }
        var length = 0
        guard let chars = shim_tolstring(L, index, &length) else { return "(no message)" }
        return String(decoding: UnsafeRawBufferPointer(start: chars, count: length), as: UTF8.self)
    }
}

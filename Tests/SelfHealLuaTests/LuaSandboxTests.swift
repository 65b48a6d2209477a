import Testing
@testable import SelfHealLua

/// Runs `body` as the `check` of a one-function chunk and returns its first result.
private func run(_ body: String, in state: LuaState, name: String = "probe.lua") throws(LuaError) -> LuaValue {
    let loaded = try state.loadChunk("return function(ctx)\n\(body)\nend", name: name)
    guard case .function(let function) = loaded else { throw LuaError(kind: .invalidResult, message: "not a function") }
    let ctx = state.makeTemplate(LuaTable(fields: ["code": .string("def f(): pass")]))
    return try state.call(function, withCopyOf: ctx, chunk: name)[0]
}

private func expectError(_ kind: LuaError.Kind, _ body: String, in state: LuaState) -> LuaError? {
    do {
        let value = try run(body, in: state)
        Issue.record("expected \(kind), got \(value)")
        return nil
    } catch {
        #expect(error.kind == kind, "\(error.message)")
        return error
    }
}

@Suite struct LuaSandboxTests {
    let limits = LuaLimits(instructionBudget: 200_000, memoryBytes: 4 << 20)

    @Test func returnsValuesFromAChunk() throws {
        let state = try LuaState(limits: limits)
        let value = try state.loadChunk("return { name = 'x', weight = 0.5, list = { 'a', 'b' }, n = 3 }", name: "t.lua")
        let table = try #require(value.tableValue)
        #expect(table["name"] == .string("x"))
        #expect(table["weight"].doubleValue == 0.5)
        #expect(table["n"] == .integer(3))
        #expect(table["list"].tableValue?.array == [.string("a"), .string("b")])
    }

    @Test func infiniteLoopRunsOutOfBudgetAndStateStaysUsable() throws {
        let state = try LuaState(limits: limits)
        _ = expectError(.budgetExceeded, "while true do end", in: state)
        // Catching the budget error inside the script does not buy a new budget.
        _ = expectError(.budgetExceeded, "for i = 1, 10 do pcall(function() while true do end end) end return 1", in: state)
        #expect(try run("return 0.75", in: state) == .number(0.75))
    }

    @Test func hugeAllocationHitsTheMemoryCapAndStateStaysUsable() throws {
        let state = try LuaState(limits: limits)
        _ = expectError(.memoryExceeded, "local s = string.rep('x', 1024 * 1024 * 1024) return #s", in: state)
        _ = expectError(.memoryExceeded, "local t = {} for i = 1, 1e8 do t[i] = ('x'):rep(1000) .. i end return 1", in: state)
        #expect(try run("return #string.rep('x', 1000)", in: state) == .integer(1000))
    }

    /// The sibling in small blocks, the sizes the allocator keeps for reuse once freed (tables,
    /// short strings, closures): the cap stops them as it stops large ones, the blocks a stopped
    /// call leaves go back for reuse without counting against the next call, and calls that each
    /// leave most of a cap of small garbage neither fail nor grow the state.
    @Test func smallBlocksHitTheMemoryCapAndStateStaysUsable() throws {
        // Budget and time enough that memory is the bound that stops them.
        let state = try LuaState(limits: LuaLimits(instructionBudget: 100_000_000, memoryBytes: 4 << 20, wallClock: .seconds(20)))
        // Chains, not arrays: no block past the small sizes is ever asked for (an array's part
        // would grow large and meet the cap itself).
        for body in [
            "local head = nil for i = 1, 1e8 do head = { head } end return 1",
            "local head = nil for i = 1, 1e8 do head = { head, tostring(i) } end return 1",
            "local f = nil for i = 1, 1e8 do local g = f f = function() return g end end return 1",
        ] {
            _ = expectError(.memoryExceeded, body, in: state)
            #expect(try run("local t = {} for i = 1, 1000 do t[i] = {i} end return #t", in: state) == .integer(1000))
        }
        for _ in 0..<100 {
            #expect(try run("local head, n = nil, 0 for i = 1, 20000 do head = { head } n = n + 1 end return n", in: state) == .integer(20000))
        }
        #expect(state.memoryInUse < 3 * (4 << 20), "\(state.memoryInUse) bytes held after 100 calls")
    }

    /// The collector is generational: garbage outlives a call until a collection, and each call's
    /// cap counts from what the state holds when it starts. Calls that each leave most of a cap
    /// of garbage must neither fail nor let the state grow call after call.
    @Test func garbageLeftByManyCallsIsCollectedAndEachCallKeepsItsCap() throws {
        let state = try LuaState(limits: limits)
        let body = "local t = {} for i = 1, 2500 do t[i] = ('x'):rep(1000) .. i end return #t"
        for _ in 0..<200 {
            #expect(try run(body, in: state) == .integer(2500))
        }
        #expect(state.memoryInUse < 3 * (4 << 20), "\(state.memoryInUse) bytes held after 200 calls")
        // The cap still stops a call that goes past it, however much garbage came before.
        _ = expectError(.memoryExceeded, "local t = {} for i = 1, 1e8 do t[i] = ('x'):rep(1000) .. i end return 1", in: state)
    }

    @Test func dangerousLibrariesAreAbsent() throws {
        let state = try LuaState(limits: limits)
        for probe in ["os.execute('true')", "io.open('/etc/passwd')", "require('os')", "dofile('/etc/passwd')",
                      "loadfile('/etc/passwd')", "debug.getinfo(1)", "package.loadlib('x', 'y')", "collectgarbage()",
                      "string.dump(function() end)", "print('x')", "os.remove('/tmp/x')", "os.getenv('HOME')"] {
            let error = expectError(.runtime, "return \(probe)", in: state)
            #expect(error?.message.contains("nil value") == true, "\(probe): \(error?.message ?? "")")
        }
        #expect(try run("return type(os.time()) == 'number' and type(os.clock()) == 'number'", in: state) == .boolean(true))
    }

    @Test func binaryChunksAreRefused() throws {
        let state = try LuaState(limits: limits)
        #expect(throws: LuaError.self) { try state.loadChunk("\u{1B}Lua\u{54}\u{00}garbage", name: "bin.lua") }
        let message = try run("local f, err = load('\\27Lua\\84\\0abc') return err", in: state)
        #expect(message.stringValue?.contains("binary chunk") == true)
        // Text chunks still load, and see the script's own globals, not the real ones.
        #expect(try run("return load('return type(io)')()", in: state) == .string("nil"))
    }

    @Test func globalsDoNotLeakBetweenFiles() throws {
        let state = try LuaState(limits: limits)
        _ = try state.loadChunk("secret = 42; string.upper = function() return 'hijacked' end; return 1", name: "a.lua")
        let value = try state.loadChunk("return { secret = secret, upper = string.upper('x'), method = ('y'):upper() }", name: "b.lua")
        let table = try #require(value.tableValue)
        #expect(table["secret"] == .nil)
        #expect(table["upper"] == .string("X"))
        #expect(table["method"] == .string("Y"))
        #expect(try run("return getmetatable('') == false", in: state) == .boolean(true))
    }

    @Test func globalsAreReadOnlyWhileScoring() throws {
        let state = try LuaState(limits: limits)
        let error = expectError(.runtime, "counter = 1 return 1", in: state)
        #expect(error?.message.contains("read-only") == true)
        #expect(error?.line == 2)
    }

    @Test func callerCannotChangeWhatTheNextCallSees() throws {
        let state = try LuaState(limits: limits)
        let loaded = try state.loadChunk("return function(ctx) local before = ctx.code; ctx.code = 'changed'; ctx.exec.ran = false; return before end", name: "m.lua")
        guard case .function(let function) = loaded else { Issue.record("not a function"); return }
        let ctx = state.makeTemplate(LuaTable(fields: ["code": .string("original"), "exec": .table(LuaTable(fields: ["ran": .boolean(true)]))]))
        #expect(try state.call(function, withCopyOf: ctx, chunk: "m.lua")[0] == .string("original"))
        #expect(try state.call(function, withCopyOf: ctx, chunk: "m.lua")[0] == .string("original"))
    }

    /// The copy is made at its final size; a callee that grows it (and a nested table) past
    /// that size, or changes a nested field, still leaves the original as it was.
    @Test func copyHoldsEveryFieldAndWhatACalleeAddsStaysInItsCopy() throws {
        let state = try LuaState(limits: limits)
        let loaded = try state.loadChunk("""
            return function(ctx)
              local keys = {}
              for key in pairs(ctx) do keys[#keys + 1] = key end
              table.sort(keys)
              local seen = table.concat(keys, ",") .. "|" .. tostring(ctx.exec.ran) .. "|" .. tostring(ctx.exec.runs)
              for i = 1, 40 do ctx["extra" .. i] = i; ctx.exec["extra" .. i] = i end
              ctx.exec.ran = false
              ctx.exec.runs = nil
              return seen
            end
            """, name: "grow.lua")
        guard case .function(let function) = loaded else { Issue.record("not a function"); return }
        var fields: [String: LuaValue] = ["exec": .table(LuaTable(fields: ["ran": .boolean(true), "runs": .integer(5)]))]
        for letter in "abcdefghijkl" { fields[String(letter)] = .string("field \(letter)") }
        let ctx = state.makeTemplate(LuaTable(fields: fields))
        let expected = LuaValue.string("a,b,c,d,e,exec,f,g,h,i,j,k,l|true|5")
        #expect(try state.call(function, withCopyOf: ctx, chunk: "grow.lua")[0] == expected)
        #expect(try state.call(function, withCopyOf: ctx, chunk: "grow.lua")[0] == expected)
    }

    @Test func syntaxAndRuntimeErrorsNameFileAndLine() throws {
        let state = try LuaState(limits: limits)
        do {
            _ = try state.loadChunk("return {\n  name = 'x',\n  weight = ,\n}", name: "rules/broken.lua")
            Issue.record("expected a syntax error")
        } catch {
            #expect(error.kind == .syntax)
            #expect(error.file == "rules/broken.lua")
            #expect(error.line == 3)
        }
        let runtime = expectError(.runtime, "local t = nil\nreturn t.x", in: state)
        #expect(runtime?.line == 3)
        #expect(runtime?.message.hasPrefix("probe.lua:3:") == true)
    }

    @Test func finalizersAreRefused() throws {
        let state = try LuaState(limits: limits)
        let error = expectError(.runtime, "setmetatable({}, { __gc = function() while true do end end }) return 1", in: state)
        #expect(error?.message.contains("__gc") == true)
    }
}

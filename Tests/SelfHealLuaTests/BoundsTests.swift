import Testing
@testable import SelfHealLua

/// Every way a script was seen to escape its bounds: each call ends with a bound's error, and
/// the state serves the next call as if nothing had happened.
@Suite struct BoundsTests {
    let limits = LuaLimits(instructionBudget: 200_000, memoryBytes: 4 << 20, librarySteps: 5_000_000, wallClock: .milliseconds(200))

    private func call(_ body: String, in state: LuaState) throws(LuaError) -> LuaValue {
        let loaded = try state.loadChunk("return function(ctx)\n\(body)\nend", name: "probe.lua")
        guard case .function(let function) = loaded else { throw LuaError(kind: .invalidResult, message: "not a function") }
        let ctx = state.makeTemplate(LuaTable(fields: ["code": .string("x = 1")]))
        defer { state.release(ctx) }
        return try state.call(function, withCopyOf: ctx, chunk: "probe.lua")[0]
    }

    private func expectStopped(_ body: String, in state: LuaState, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            let value = try call(body, in: state)
            Issue.record("expected the call to be stopped, got \(value)", sourceLocation: sourceLocation)
        } catch {
            #expect([.budgetExceeded, .libraryStepsExceeded, .timeLimitExceeded, .memoryExceeded].contains(error.kind), "\(error.kind): \(error.message)", sourceLocation: sourceLocation)
        }
    }

    @Test("xpcall's message handler cannot loop past the budget")
    func xpcallHandlerIsBounded() throws {
        let state = try LuaState(limits: limits)
        expectStopped("xpcall(function() while true do end end, function() while true do end end) return 1", in: state)
        expectStopped("return select(2, xpcall(function() error('x') end, function() while true do end end))", in: state)
        // xpcall still works as xpcall.
        #expect(try call("local ok, m = xpcall(function() error('boom', 0) end, function(e) return 'handled ' .. e end) return m", in: state) == .string("handled boom"))
        #expect(try call("return select('#', xpcall(function() return 1, 2, 3 end, print))", in: state) == .integer(4))
        #expect(try call("return 0.5", in: state) == .number(0.5))
    }

    @Test("loading a file that loops in xpcall's handler is stopped too")
    func loadingIsBounded() throws {
        let state = try LuaState(limits: limits)
        do {
            _ = try state.loadChunk("xpcall(function() while true do end end, function() while true do end end) return {}", name: "top.lua")
            Issue.record("the file loaded")
        } catch {
            #expect([.budgetExceeded, .timeLimitExceeded].contains(error.kind))
        }
        #expect(try call("return 1", in: state) == .integer(1))
    }

    @Test("time inside one string library call is bounded")
    func libraryCallsAreBounded() throws {
        let state = try LuaState(limits: limits)
        expectStopped(#"return ("a"):rep(3000):find(".-.-.-b")"#, in: state)
        expectStopped(#"return (("a"):rep(30000)):find(("a*"):rep(20) .. "b")"#, in: state)
        // The stock rep loops 1e15 times copying nothing; the bounded one knows the answer.
        #expect(try call(#"return #(""):rep(1e15)"#, in: state) == .integer(0))
        #expect(try call(#"return #(""):rep(1e15, "")"#, in: state) == .integer(0))
        expectStopped(#"return #(""):rep(1e9, "x")"#, in: state)
        expectStopped(#"local s = ("a"):rep(20000) return select(2, s:gsub(".-.-b", ""))"#, in: state)
        expectStopped(#"local n = 0 for _ in (("a"):rep(5000)):gmatch(".-.-b") do n = n + 1 end return n"#, in: state)
        // Ordinary matching still works, on the same state.
        #expect(try call(#"return ("def add(a, b):"):match("def%s+([%w_]+)")"#, in: state) == .string("add"))
        #expect(try call(#"return ("x"):rep(3, ",")"#, in: state) == .string("x,x,x"))
        #expect(try call(#"return (select(2, ("a b c"):gsub("%w", "%0%0")))"#, in: state) == .integer(3))
    }

    /// A search whose pattern opens with a set or a %-class skips, by a table, the positions
    /// that cannot start a match: those bytes are charged all the same, so a rule that scans a
    /// long text again and again runs out of library steps, not into the wall clock.
    @Test("searches that skip ahead by their first class are charged for every byte skipped", arguments: [
        #"for i = 1, 10000 do s:find("[bc]x") end"#,
        #"for i = 1, 10000 do s:match("%d+") end"#,
        #"for i = 1, 10000 do s:find("([^a])") end"#,
        #"for i = 1, 10000 do for w in s:gmatch("[%u_]") do end end"#,
    ])
    func classSkipsAreCharged(loop: String) throws {
        let state = try LuaState(limits: limits)
        do {
            let value = try call(#"local s = ("a"):rep(1000000) "# + loop + " return 1", in: state)
            Issue.record("expected the call to be stopped, got \(value)")
        } catch {
            #expect(error.kind == .libraryStepsExceeded, "\(error.kind): \(error.message)")
        }
        #expect(try call(#"return ("say called is_prime"):match("[Cc]alled%s+([%a_][%w_]*)")"#, in: state) == .string("is_prime"))
    }

    @Test("methods reached through a string's metatable are the bounded ones")
    func stringMethodsAreBounded() throws {
        let state = try LuaState(limits: limits)
        expectStopped(#"local s = ("a"):rep(3000) return s.find(s, ".-.-.-b")"#, in: state)
        expectStopped(#"return string.find(("a"):rep(3000), ".-.-.-b")"#, in: state)
    }

    @Test("nothing a call writes survives into the next call")
    func noStateCarriesOver() throws {
        let state = try LuaState(limits: limits)
        let loaded = try state.loadChunk("""
            local seen = { n = 0 }
            counter = { n = 0 }
            return function(ctx)
              local wrote = {}
              wrote[#wrote + 1] = pcall(rawset, _ENV, "planted", 1)
              wrote[#wrote + 1] = pcall(function() string.planted = 1 end)
              wrote[#wrote + 1] = pcall(rawset, string, "planted", 1)
              wrote[#wrote + 1] = pcall(function() seen.n = seen.n + 1 end)
              wrote[#wrote + 1] = pcall(function() counter.n = counter.n + 1 end)
              wrote[#wrote + 1] = pcall(function() table.insert(seen, 1) end)
              wrote[#wrote + 1] = pcall(rawset, seen, "n", 5)
              local planted = rawget(_ENV, "planted") or string.planted or seen.n ~= 0 or counter.n ~= 0 or #seen ~= 0
              for _, ok in ipairs(wrote) do if ok then return "a write went through" end end
              if planted then return "state carried over" end
              -- Reads through the frozen tables still work.
              local keys = 0
              for k in pairs(seen) do keys = keys + 1 end
              return keys == 1 and rawget(seen, "n") == 0 and next(counter) == "n" and #ctx.code == 5 and "clean" or "reads broke"
            end
            """, name: "state.lua")
        guard case .function(let function) = loaded else { Issue.record("not a function"); return }
        let ctx = state.makeTemplate(LuaTable(fields: ["code": .string("x = 1")]))
        for _ in 0..<3 {
            #expect(try state.call(function, withCopyOf: ctx, chunk: "state.lua")[0] == .string("clean"))
        }
    }

    @Test("the wall-clock bound stops a call the instruction count lets run")
    func wallClockStopsSlowCalls() throws {
        // An instruction budget far too large to matter: only the clock can stop this.
        let state = try LuaState(limits: LuaLimits(instructionBudget: .max / 2, memoryBytes: 4 << 20, wallClock: .milliseconds(50)))
        do {
            _ = try call("while true do end", in: state)
            Issue.record("the loop returned")
        } catch {
            #expect(error.kind == .timeLimitExceeded, "\(error)")
        }
    }
}

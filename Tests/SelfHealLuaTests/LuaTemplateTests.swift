import CLua
import SelfHealTestSupport
import Testing
@testable import SelfHealLua

/// A template's copies are built from its shape's keys by the C copier; tables a shape cannot
/// express are copied by walking them. Either way the callee must see the same table.
@Suite struct LuaTemplateTests {
    let limits = LuaLimits(instructionBudget: 200_000, memoryBytes: 4 << 20)

    /// Describes its argument two levels down: every key sorted, with its type and value,
    /// the sequence length, and whether a metatable is set.
    static let describe = """
        return function(t)
          local function show(v)
            if type(v) == "string" then return string.format("%q", v) end
            return tostring(v)
          end
          local function one(t, deep)
            local keys = {}
            for k in pairs(t) do keys[#keys + 1] = k end
            table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
            local parts = {}
            for _, k in ipairs(keys) do
              local v = t[k]
              local text = type(v) == "table" and deep and "{" .. one(v, false) .. "}" or show(v)
              parts[#parts + 1] = tostring(k) .. ":" .. type(v) .. "=" .. (type(v) == "table" and not deep and "table" or text)
            end
            return "#" .. #t .. " mt=" .. tostring(getmetatable(t)) .. " " .. table.concat(parts, ",")
          end
          return one(t, true)
        end
        """

    private func describeFunction(_ state: LuaState) throws -> LuaFunction {
        guard case .function(let function) = try state.loadChunk(Self.describe, name: "describe.lua") else {
            throw LuaError(kind: .invalidResult, message: "not a function")
        }
        return function
    }

    /// The shape of `table` and its values, when a shape can express it: names only, no
    /// sequence part at the top or one level down.
    static func shaped(_ table: LuaTable) -> (shape: LuaTableShape, fields: [LuaValue], tables: [[LuaValue]?])? {
        guard table.array.isEmpty else { return nil }
        var names: [String] = [], fields: [LuaValue] = [], tables: [LuaTableShape.Table] = [], tableValues: [[LuaValue]?] = []
        for key in table.fields.keys.sorted() {
            guard LuaTableShape.isName(key) else { return nil }
            if case .table(let inner) = table[key] {
                guard inner.array.isEmpty, inner.fields.keys.allSatisfy(LuaTableShape.isName) else { return nil }
                let keys = inner.fields.keys.sorted()
                tables.append(.init(key, fields: keys))
                tableValues.append(keys.map { inner[$0] })
            } else {
                names.append(key)
                fields.append(table[key])
            }
        }
        return (LuaTableShape(fields: names, tables: tables), fields, tableValues)
    }

    private func viaTemplate(_ table: LuaTable, _ state: LuaState, _ function: LuaFunction) throws -> LuaValue {
        let (shape, fields, tables) = try #require(Self.shaped(table))
        let template = state.makeTemplate(shape, fields: fields, tables: tables)
        #expect(template.keys != nil)
        defer { state.release(template) }
        return try state.call(function, withCopyOf: template, chunk: "describe.lua")[0]
    }

    private func viaWalk(_ table: LuaTable, _ state: LuaState, _ function: LuaFunction) throws -> LuaValue {
        let ref = state.makeTable(table)
        defer { state.release(ref) }
        return try state.call(function, withWalkedCopyOf: ref, maxResults: 2, wallClock: nil, chunk: "describe.lua")[0]
    }

    @Test func aConstructedCopyHoldsWhatAWalkedCopyHolds() throws {
        let state = try LuaState(limits: limits)
        let describe = try describeFunction(state)
        let ctx = LuaTable(fields: [
            "task_type": .string("code_generation"), "code": .string("def f():\n    return \"x\"\n"), "truncated": .boolean(false),
            "language": .nil, "duration": .number(1.5), "count": .integer(3), "end": .string("a Lua keyword as a key"),
            "lengths": .table(LuaTable(fields: ["code": .integer(27), "input": .integer(0)])),
            "exec": .table(LuaTable(fields: ["ran": .boolean(true), "passed": .boolean(false), "stderr_tail": .string("")])),
            "empty": .table(LuaTable()),
        ])
        let expected = LuaValue.string(
            #"#0 mt=nil code:string="def f():\\#n    return \"x\"\\#n",count:number=3,duration:number=1.5,"#
                + #"empty:table={#0 mt=nil },end:string="a Lua keyword as a key","#
                + #"exec:table={#0 mt=nil passed:boolean=false,ran:boolean=true,stderr_tail:string=""},"#
                + #"lengths:table={#0 mt=nil code:number=27,input:number=0},task_type:string="code_generation",truncated:boolean=false"#
        )
        let got = try viaTemplate(ctx, state, describe)
        #expect(got == expected, "\(got)")
        #expect(try viaWalk(ctx, state, describe) == expected)
    }

    /// Random tables, names and not, sequences and not: the shape path (where it applies) and
    /// the walking path give the callee the same table.
    @Test func randomTablesLookTheSameEitherWay() throws {
        let state = try LuaState(limits: limits)
        let describe = try describeFunction(state)
        var generator = SplitMix64(seed: 31)
        var constructed = 0
        for _ in 0..<400 {
            let table = Self.randomTable(&generator, depth: 0)
            guard Self.shaped(table) != nil else { continue }
            constructed += 1
            #expect(try viaTemplate(table, state, describe) == viaWalk(table, state, describe))
        }
        // A new shape per table: more than the cache holds, which empties itself, never grows past its size.
        #expect(constructed > 100)
        #expect(state.templateKeys.count <= LuaState.maxTemplateShapes)
    }

    @Test func aCalleeChangesOnlyItsOwnCopyOnEitherPath() throws {
        let state = try LuaState(limits: limits)
        guard case .function(let vandal) = try state.loadChunk("""
            return function(ctx)
              local before = ctx.code .. "|" .. tostring(ctx.exec.ran) .. "|" .. tostring(getmetatable(ctx))
              ctx.code = "changed"; ctx.exec.ran = false; ctx.exec = nil; ctx.extra = {}
              setmetatable(ctx, { __index = function() return "injected" end })
              return before
            end
            """, name: "vandal.lua") else { Issue.record("not a function"); return }
        let table = LuaTable(fields: ["code": .string("original"), "exec": .table(LuaTable(fields: ["ran": .boolean(true)]))])
        let shape = LuaTableShape(fields: ["code"], tables: [.init("exec", fields: ["ran"])])
        for template in [state.makeTemplate(shape, fields: [.string("original")], tables: [[.boolean(true)]]), state.makeTemplate(table)] {
            for _ in 0..<3 {
                #expect(try state.call(vandal, withCopyOf: template, chunk: "vandal.lua")[0] == .string("original|true|nil"))
            }
            state.release(template)
        }
    }

    /// `error(message, 2)` names the callee's caller; on the shape path that is the C copier,
    /// which has no line, so that is no Lua code of ours on either path, and the message
    /// carries no position.
    @Test func errorsAtLevelTwoBlameNoFrameOfOurs() throws {
        let state = try LuaState(limits: limits)
        guard case .function(let blamer) = try state.loadChunk("return function(ctx) error('bad ' .. ctx.code, 2) end", name: "blame.lua") else {
            Issue.record("not a function"); return
        }
        let shape = LuaTableShape(fields: ["code"])
        for template in [state.makeTemplate(shape, fields: [.string("x")], tables: []), state.makeTemplate(LuaTable(fields: ["code": .string("x")]))] {
            defer { state.release(template) }
            do {
                let values = try state.call(blamer, withCopyOf: template, chunk: "blame.lua")
                Issue.record("expected an error, got \(values)")
            } catch {
                #expect(error.message == "bad x", "\(error.message)")
            }
        }
    }

    /// A template outlives its shape's place in the cache: made before 40 other shapes
    /// pushed it out (and Lua gave its registry slots to others), it still builds its own table.
    @Test func aTemplateSurvivesItsShapeLeavingTheCache() throws {
        let state = try LuaState(limits: limits)
        let describe = try describeFunction(state)
        let table = LuaTable(fields: ["code": .string("kept"), "exec": .table(LuaTable(fields: ["ran": .boolean(true)]))])
        let (shape, fields, tables) = try #require(Self.shaped(table))
        let template = state.makeTemplate(shape, fields: fields, tables: tables)
        defer { state.release(template) }
        let expected = try viaWalk(table, state, describe)
        #expect(try state.call(describe, withCopyOf: template, chunk: "describe.lua")[0] == expected)
        var others: [LuaTemplate] = []
        for index in 0..<40 {
            let other = LuaTableShape(fields: ["f\(index)"])
            others.append(state.makeTemplate(other, fields: [.integer(index)], tables: []))
            if index % 2 == 0 { state.release(others.removeLast()) }
        }
        #expect(state.templateKeys.count < LuaState.maxTemplateShapes)
        for _ in 0..<3 {
            #expect(try state.call(describe, withCopyOf: template, chunk: "describe.lua")[0] == expected)
        }
        for (index, other) in others.enumerated() {
            #expect(try state.call(describe, withCopyOf: other, chunk: "describe.lua")[0] == .string("#0 mt=nil f\(2 * index + 1):number=\(2 * index + 1)"))
            state.release(other)
        }
    }

    /// A table given as a plain field is no exception: each callee gets its own.
    @Test func aTableInAPlainFieldIsCopiedForEachCall() throws {
        let state = try LuaState(limits: limits)
        guard case .function(let vandal) = try state.loadChunk(
            "return function(ctx) local before = ctx.t.x; ctx.t.x = 2; return before end", name: "vandal.lua"
        ) else { Issue.record("not a function"); return }
        let template = state.makeTemplate(LuaTableShape(fields: ["t"]), fields: [.table(LuaTable(fields: ["x": .integer(1)]))], tables: [])
        defer { state.release(template) }
        for _ in 0..<3 {
            #expect(try state.call(vandal, withCopyOf: template, chunk: "vandal.lua")[0] == .integer(1))
        }
    }

    /// The copy is built inside the callee's bounds: a copy that does not fit the memory cap
    /// stops the call with the memory error, and the state serves the next call.
    @Test func aCopyBeyondTheMemoryCapIsRefusedAndTheStateGoesOn() throws {
        // 64 KiB, the least a state may have; the copy's 3,000 fields take more.
        let state = try LuaState(limits: LuaLimits(instructionBudget: 200_000, memoryBytes: 64 << 10))
        guard case .function(let count) = try state.loadChunk(
            "return function(ctx) local n = 0 for _ in pairs(ctx) do n = n + 1 end return n end", name: "count.lua"
        ) else { Issue.record("not a function"); return }
        let names = (0..<3_000).map { "f\($0)" }
        let big = state.makeTemplate(LuaTableShape(fields: names), fields: names.map { _ in .boolean(true) }, tables: [])
        defer { state.release(big) }
        #expect(big.keys != nil)
        // What compiling the constructor left behind would otherwise be collected to make room.
        shim_gc_collect(state.L)
        do {
            let values = try state.call(count, withCopyOf: big, chunk: "count.lua")
            Issue.record("a 3,000-field copy fit in 64 KiB: \(values)")
        } catch {
            #expect(error.kind == .memoryExceeded, "\(error.message)")
        }
        let small = state.makeTemplate(LuaTableShape(fields: ["a", "b"]), fields: [.integer(1), .integer(2)], tables: [])
        defer { state.release(small) }
        #expect(try state.call(count, withCopyOf: small, chunk: "count.lua")[0] == .integer(2))
    }

    /// A table of the shape that is absent, or a field that is nil, is no key at all.
    @Test func absentTablesAndNilFieldsLeaveNoKey() throws {
        let state = try LuaState(limits: limits)
        let describe = try describeFunction(state)
        let shape = LuaTableShape(fields: ["a", "b"], tables: [.init("t", fields: ["x", "y"]), .init("u", fields: ["z"])])
        let template = state.makeTemplate(shape, fields: [.nil, .integer(2)], tables: [nil, [.nil]])
        defer { state.release(template) }
        #expect(try state.call(describe, withCopyOf: template, chunk: "describe.lua")[0] == .string("#0 mt=nil b:number=2,u:table={#0 mt=nil }"))
    }

    static func randomTable(_ generator: inout SplitMix64, depth: Int) -> LuaTable {
        let names = ["a", "b", "code", "exec", "end", "x_1", "Z", "_", "not a name", "1st", "é"]
        var table = LuaTable()
        for _ in 0..<generator.below(7) {
            let key = names[generator.below(names.count)]
            switch generator.below(depth == 0 ? 7 : 6) {
            case 0: table.fields[key] = .boolean(generator.below(2) == 0)
            case 1: table.fields[key] = .integer(generator.below(1000) - 500)
            case 2: table.fields[key] = .number(Double(generator.below(1000)) / 8)
            case 3: table.fields[key] = .string(String(repeating: "s\"\\\n", count: generator.below(3)))
            case 4: table.fields[key] = .nil
            case 5: table.fields[key] = .table(LuaTable(fields: ["deep": .integer(1)]))
            default: table.fields[key] = .table(randomTable(&generator, depth: depth + 1))
            }
        }
        if generator.below(8) == 0 { table.array = [.integer(1), .string("two")] }
        return table
    }
}

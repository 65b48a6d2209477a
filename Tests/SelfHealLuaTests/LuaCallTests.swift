import Testing
@testable import SelfHealLua

@Suite struct LuaCallTests {
    @Test func callsWithSwiftArgumentsAndReadsTablesBack() throws {
        let state = try LuaState()
        let loaded = try state.loadChunk("return { decide = function(stats, n) return { action = stats.failures >= n and 'rewrite' or 'wait', seen = #stats.ids } end }", name: "plugin.lua")
        guard case .function(let decide) = try #require(loaded.tableValue)["decide"] else { Issue.record("no function"); return }
        let stats = LuaValue.table(LuaTable(fields: ["failures": .integer(4), "ids": .table(LuaTable(array: [.integer(1), .integer(2)]))]))
        let result = try #require(try state.call(decide, arguments: [stats, .integer(3)], chunk: "plugin.lua").first?.tableValue)
        #expect(result["action"] == .string("rewrite"))
        #expect(result["seen"] == .integer(2))
    }
}

import SelfHealLua

/// What the trigger plugin sees: the active version's record over the trigger window.
public struct FailureWindow: Sendable, Equatable {
    public var taskType: String
    public var windowMinutes: Double
    public var stats: VersionStats

    public init(taskType: String, windowMinutes: Double, stats: VersionStats) {
        self.taskType = taskType
        self.windowMinutes = windowMinutes
        self.stats = stats
    }

    var lua: LuaTable {
        var table = stats.lua
        table.fields["task_type"] = .string(taskType)
        table.fields["window_minutes"] = .number(windowMinutes)
        return table
    }
}

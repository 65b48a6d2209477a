/// What one call into Lua may spend. Both limits apply to every protected call
/// separately: running a file at load, or one call of a rule's `check`.
public struct LuaLimits: Sendable, Equatable {
    /// Lua VM instructions per call. Time spent inside one C library call (a long
    /// `string.find`) is not counted; the memory cap bounds the worst of those.
    public var instructionBudget: Int
    /// Bytes the state may grow by during one call.
    public var memoryBytes: Int

    /// About a few milliseconds of Lua and far more memory than a rule over one answer needs.
    public static let `default` = LuaLimits(instructionBudget: 1_000_000, memoryBytes: 32 << 20)

    public init(instructionBudget: Int, memoryBytes: Int) {
        self.instructionBudget = max(1, instructionBudget)
        self.memoryBytes = max(64 << 10, memoryBytes)
    }

    /// "32 MiB", "512 KiB": for reasons a person reads.
    public var memoryDescription: String {
        if memoryBytes >= 1 << 20, memoryBytes % (1 << 20) == 0 { return "\(memoryBytes >> 20) MiB" }
        return "\(memoryBytes >> 10) KiB"
    }
}

/// What one call into Lua may spend. Every limit applies to each protected call separately:
/// running a file at load, or one call of a rule's `check`. None can be lifted from Lua: the
/// hook that enforces them is set from Swift before each call, and scripts have no debug library.
public struct LuaLimits: Sendable, Equatable {
    /// Lua VM instructions per call.
    public var instructionBudget: Int
    /// Units of work (pattern-matching steps, bytes produced) the string library's pattern
    /// functions and `string.rep` may do per call: the time spent inside one C call, which the
    /// instruction count cannot see.
    public var librarySteps: Int
    /// Wall-clock time per call, checked by the hook and inside the bounded C functions, so
    /// it also stops time that no count sees.
    public var wallClock: Duration
    /// Bytes the state may grow by during one call.
    public var memoryBytes: Int

    /// A few milliseconds of Lua, a few tens of milliseconds of pattern matching, a quarter
    /// of a second at most, and far more memory than a rule over one answer needs.
    public static let `default` = LuaLimits(instructionBudget: 1_000_000, memoryBytes: 32 << 20)

    public init(instructionBudget: Int, memoryBytes: Int, librarySteps: Int = 50_000_000, wallClock: Duration = .milliseconds(250)) {
        self.instructionBudget = max(1, instructionBudget)
        self.memoryBytes = max(64 << 10, memoryBytes)
        self.librarySteps = max(1, librarySteps)
        self.wallClock = max(.milliseconds(1), wallClock)
    }

    /// "32 MiB", "512 KiB": for reasons a person reads.
    public var memoryDescription: String {
        if memoryBytes >= 1 << 20, memoryBytes % (1 << 20) == 0 { return "\(memoryBytes >> 20) MiB" }
        return "\(memoryBytes >> 10) KiB"
    }

    /// "250 ms": for reasons a person reads.
    public var wallClockDescription: String {
        let (seconds, attoseconds) = wallClock.components
        return "\(seconds * 1000 + attoseconds / 1_000_000_000_000_000) ms"
    }

    var wallClockNanoseconds: UInt64 { Self.nanoseconds(wallClock) }

    /// A duration in whole nanoseconds (0 for a negative one). Through a `Double`, not
    /// `components`, whose 128-bit division every call given a shorter wall clock paid: exact
    /// below 4.6 s, within a nanosecond above, and clamped where a `UInt64` ends.
    static func nanoseconds(_ duration: Duration) -> UInt64 {
        UInt64(min(max(0, duration / .nanoseconds(1)), 1.8e19))
    }
}

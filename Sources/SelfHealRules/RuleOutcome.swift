public import SelfHealCore
public import SelfHealLua

/// One rule's result plus what `rules check` and the logs want beyond the API's `RuleResult`.
public struct RuleOutcome: Sendable, Equatable {
    public var result: RuleResult
    /// Set when the rule errored, ran out of budget or memory, or returned a bad value.
    public var failure: LuaError?
    /// Wall time of the `check` call.
    public var seconds: Double
}

public import Foundation
public import SelfHealCore

/// One validated, immutable generation of `rules/`. Identity matters: a pooled Lua state
/// belongs to the set it was built from and is rebuilt when the live set is another one.
public final class RuleSet: LoadedLuaSet {
    public let version: String
    public let loadedAt: Date
    public let policy: ScoringPolicy
    /// In file-name order; results are reported in this order.
    public let rules: [RuleDefinition]
    let snapshot: LuaFolderSnapshot
    /// The file each rule came from, in the same order as `rules` (scoring.lua excluded).
    let ruleFiles: [LuaFolderSnapshot.File]

    init(snapshot: LuaFolderSnapshot, policy: ScoringPolicy, rules: [RuleDefinition], ruleFiles: [LuaFolderSnapshot.File], loadedAt: Date = Date()) {
        self.version = snapshot.version
        self.loadedAt = loadedAt
        self.policy = policy
        self.rules = rules
        self.snapshot = snapshot
        self.ruleFiles = ruleFiles
    }
}

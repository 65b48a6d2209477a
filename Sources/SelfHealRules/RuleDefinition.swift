/// A validated rule: everything but its `check` function, which lives in each Lua state.
public struct RuleDefinition: Sendable, Equatable {
    public var name: String
    public var weight: Double
    /// nil: the rule applies to every task type.
    public var taskTypes: Set<String>?
    /// A required rule scoring below 1 fails the verdict outright.
    public var required: Bool
    /// Where it was loaded from, e.g. `rules/has_docstring.lua`.
    public var file: String
    /// The name Lua knows the file by (`has_docstring.lua`): Lua cuts long chunk names in
    /// its messages, so it is given the short one and errors are mapped back to `file`.
    public var chunkName: String
    /// The line where `check` is defined.
    public var checkLine: Int

    public func applies(to taskType: String) -> Bool {
        taskTypes?.contains(taskType) ?? true
    }

    /// The keys a rule file may return; anything else is most likely a typo.
    static let knownKeys: Set<String> = ["name", "weight", "check", "task_types", "required", "description"]
}

/// A yes/no plugin answer with the plugin's own words for it (regression, replay verdict).
public struct PluginVerdict: Sendable, Equatable {
    public var yes: Bool
    public var reason: String

    public init(yes: Bool, reason: String) {
        self.yes = yes
        self.reason = reason
    }
}

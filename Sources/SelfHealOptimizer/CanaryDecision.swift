/// What the canary plugin answered about a running canary.
public struct CanaryDecision: Sendable, Equatable {
    public enum Action: String, Sendable {
        case promote
        case wait
        case rollback
    }

    public var action: Action
    public var reason: String

    public init(action: Action, reason: String) {
        self.action = action
        self.reason = reason
    }
}

/// What the trigger plugin answered.
public struct TriggerDecision: Sendable, Equatable {
    public var fires: Bool
    public var reason: String

    public init(fires: Bool, reason: String) {
        self.fires = fires
        self.reason = reason
    }
}

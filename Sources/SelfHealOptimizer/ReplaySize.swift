/// The replay sizes: how many recent failing and passing inputs the candidate is tried on.
public struct ReplaySize: Sendable, Equatable {
    public var failing: Int
    public var passing: Int

    public init(failing: Int, passing: Int) {
        self.failing = failing
        self.passing = passing
    }
}

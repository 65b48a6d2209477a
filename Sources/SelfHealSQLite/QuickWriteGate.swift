import Synchronization

/// Whether a quick write may run on an event loop (`SQLiteConnection.rowsOnLoopIfQuick`).
///
/// A write on a loop is cut between SQLite's steps at `cut`, but the step it is in (a write
/// to the log file the kernel holds back, a page read from a cold disk) runs to its end. One
/// that took longer than `cut`, cut or not, sends the writes after it to the connection's
/// thread for `cooldown`: a disk that is slow now is likely slow for a while.
public final class QuickWriteGate: Sendable {
    public let cut: Duration
    public let cooldown: Duration
    private let origin = ContinuousClock.now
    /// Until when (nanoseconds since `origin`) writes stay off the loops.
    private let offUntil = Atomic<Int64>(0)

    public init(cut: Duration = .milliseconds(2), cooldown: Duration = .seconds(1)) {
        self.cut = cut
        self.cooldown = cooldown
    }

    func allows(at now: ContinuousClock.Instant = .now) -> Bool {
        nanoseconds(now - origin) >= offUntil.load(ordering: .relaxed)
    }

    func tookLong(at now: ContinuousClock.Instant = .now) {
        offUntil.store(nanoseconds(now - origin) + nanoseconds(cooldown), ordering: .relaxed)
    }

    private func nanoseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000
    }
}

import Synchronization

/// Whether a rules pass may run on the caller's event loop instead of on a Lua thread.
///
/// Handing a pass to a Lua thread and back wakes two threads, which on a small VM costs about
/// as much CPU as a whole pass of the shipped rules over a short answer (`bench overhead`).
/// So a pass runs inline when the last pass was short, and its Lua calls are cut at `cut`
/// however its rules are bounded. (Around them: building `ctx`, and a C function the library
/// step count does not see, which runs to its end, bounded by the memory cap; a cut pass's
/// state is closed on a Lua thread.) A pass that is cut runs again on a Lua
/// thread under its rules' own bounds, and passes stay there for `cooldown`, then for as long
/// as they stay long. The cooldown is short because most cuts on a busy machine are the
/// loop's thread losing its core mid-pass, not a slow rule; a slow rule set shows as long
/// passes on the threads and keeps the gate shut without more cuts.
final class InlinePassGate: Sendable {
    /// The longest an inline pass may hold a loop.
    let cut: Duration
    /// How long passes stay on the Lua threads after one was cut.
    let cooldown: Duration
    private let origin = ContinuousClock.now
    /// The duration of the last whole pass, inline or not, in nanoseconds.
    private let lastPass = Atomic<Int64>(0)
    /// Until when (nanoseconds since `origin`) passes stay off the loops.
    private let offUntil = Atomic<Int64>(0)

    init(cut: Duration = .milliseconds(2), cooldown: Duration = .seconds(1)) {
        self.cut = cut
        self.cooldown = cooldown
    }

    /// Inline when the last pass took at most half of `cut` and none was cut lately. (A quarter
    /// sent about one pass in five to the threads: passes of the shipped rules over a generated
    /// answer vary around a few hundred microseconds here.)
    func allows(at now: ContinuousClock.Instant = .now) -> Bool {
        lastPass.load(ordering: .relaxed) <= cut.nanoseconds / 2 && offset(now) >= offUntil.load(ordering: .relaxed)
    }

    /// A whole pass, on either path, took `duration`.
    func record(_ duration: Duration) {
        lastPass.store(duration.nanoseconds, ordering: .relaxed)
    }

    /// An inline pass was cut short at `now`.
    func cutShort(at now: ContinuousClock.Instant = .now) {
        offUntil.store(offset(now) + cooldown.nanoseconds, ordering: .relaxed)
    }

    private func offset(_ instant: ContinuousClock.Instant) -> Int64 {
        (instant - origin).nanoseconds
    }
}

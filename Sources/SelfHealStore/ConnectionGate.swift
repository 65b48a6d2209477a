/// Lets one task at a time use the write connection.
///
/// An actor alone is not enough: its methods are re-entrant across `await`, and a transaction
/// spans many awaits (one per statement). Without this gate two tasks could interleave their
/// statements on the one connection, and a `ROLLBACK` of one would undo the other's writes.
/// Waiters are served first come, first served so a burst of writers cannot starve anyone.
actor ConnectionGate {
    private var held = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func acquire() async {
        guard held else {
            held = true
            return
        }
        await withCheckedContinuation { waiters.append($0) }
        // `release()` handed the gate over without clearing `held`.
    }

    func release() {
        if waiters.isEmpty {
            held = false
        } else {
            waiters.removeFirst().resume()
        }
    }
}

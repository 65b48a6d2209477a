public import Synchronization

/// Handles made once per key and kept, for the metrics recorded on every request: a handle
/// made per use is a lookup in the metrics registry (its name and labels checked and hashed,
/// under its lock) each time, eight per `/api/v1/request`. The keys are label values from a
/// small set (routes and statuses, task types); past `limit` keys a handle is made per use, as
/// before, so an unexpected spread of values cannot grow the cache.
///
/// Inlinable, so each user's module specialises it for its own key and handle: called
/// unspecialised across the module boundary, every lookup asked the runtime for the metadata
/// of `Mutex<[Key: Handle]>`, `Optional<Handle>` and the rest (a hashed cache search each, ~7 K
/// instructions per request for the seven lookups).
public final class HandleCache<Key: Hashable & Sendable, Handle: Sendable>: Sendable {
    @usableFromInline let handles = Mutex<[Key: Handle]>([:])
    public let limit: Int

    public init(limit: Int = 512) {
        self.limit = limit
    }

    /// The handle kept for `key`, or `make()`'s, kept when there is room.
    @inlinable
    public func handle(_ key: Key, make: () -> Handle) -> Handle {
        if let kept = handles.withLock({ $0[key] }) { return kept }
        // Made outside the lock: the registry gives two racing makers the same series.
        let made = make()
        return handles.withLock { handles in
            if let kept = handles[key] { return kept }
            if handles.count < limit { handles[key] = made }
            return made
        }
    }

    public var count: Int { handles.withLock { $0.count } }
}

import SelfHealLua
import Synchronization

/// A few idle Lua states, each tagged with the set it was built from. A state is used by one
/// thread at a time; one from an older set is dropped at check-out, never updated in place.
final class RuleStatePool: Sendable {
    private let idle = Mutex<[RuleRuntime]>([])
    private let limits: LuaLimits
    private let maxIdle: Int

    init(limits: LuaLimits, maxIdle: Int) {
        self.limits = limits
        self.maxIdle = max(1, maxIdle)
    }

    /// A state for `set`: an idle one if there is one, else a freshly built one.
    func checkOut(for set: RuleSet) throws -> RuleRuntime {
        let reused: RuleRuntime? = idle.withLock { states in
            states.removeAll { $0.set !== set && $0.set.loadedAt <= set.loadedAt }
            guard let index = states.lastIndex(where: { $0.set === set }) else { return nil }
            return states.remove(at: index)
        }
        if let reused { return reused }
        return try RuleSetLoader.runtime(for: set, limits: limits)
    }

    /// An idle state for `set`, or nil: never builds one (building takes milliseconds, too long
    /// for an event loop).
    func checkOutIdle(for set: RuleSet) -> RuleRuntime? {
        idle.withLock { states in
            guard let index = states.lastIndex(where: { $0.set === set }) else { return nil }
            return states.remove(at: index)
        }
    }

    /// Takes a state back if it still belongs to the live set and there is room.
    func checkIn(_ runtime: RuleRuntime, live: RuleSet) {
        guard runtime.set === live else { return }
        idle.withLock { states in
            if states.count < maxIdle { states.append(runtime) }
        }
    }

    /// Keeps the freshly validated state of a new set for the first evaluation on it.
    func seed(_ runtime: RuleRuntime) {
        idle.withLock { states in
            states.removeAll { $0.set !== runtime.set }
            states.append(runtime)
        }
    }

    var idleCount: Int { idle.withLock { $0.count } }
}
